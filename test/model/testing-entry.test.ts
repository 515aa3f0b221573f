/**
 * `sse-machine/testing` exports what a user needs to test an app, and nothing of our own model
 * suite's scaffolding (that lives in test/model/kit/).
 */
import { describe, expect, it } from 'vitest';
import * as testing from '../../src/testing/index.js';

describe('sse-machine/testing', () => {
  it('exports the generator, the loopback server, the coverage recorder, the scenarios and the clock', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'CONNECTION_SCENARIOS',
      'TestClock',
      'createCoverageRecorder',
      'generateConnectionTests',
      'startSseServer',
    ]);
  });
});
