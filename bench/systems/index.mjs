// Every system the one-clock driver measures, by the name the bench's rows use.
import * as millrace from './millrace.mjs';
import { systems as peers } from './peers.mjs';

export const SYSTEMS = {
  ...Object.fromEntries(
    millrace.RUNNERS.map((runner) => [runner, (o) => millrace.prepare({ ...o, runner })]),
  ),
  ...peers,
};
