import { defineConfig } from 'vite';

// No plugin needed: Vite compiles TSX with React's automatic JSX runtime.
export default defineConfig({});
