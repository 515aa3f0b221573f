import { useState } from 'react';
import { useSseClient } from './use-sse-client.js';

function Feed({ url }: { url: string }) {
  const { state, events } = useSseClient(url);
  return (
    <section>
      <p>
        state: <output id="state">{state}</output>
      </p>
      <ul id="events">
        {events.map((event) => (
          <li key={event.lastEventId || event.data}>{event.data}</li>
        ))}
      </ul>
    </section>
  );
}

export function App() {
  const [shown, setShown] = useState(true);
  return (
    <main>
      <button id="toggle" type="button" onClick={() => setShown((value) => !value)}>
        {shown ? 'Unmount the feed' : 'Mount the feed'}
      </button>
      {shown && <Feed url="/events" />}
    </main>
  );
}
