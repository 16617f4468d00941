// The recording decoder's worker: gets the file's bytes, answers progress, then the decoded series (or why not),
// so a large recording never blocks the page.
import { decodeMcap } from './mcap-decode';
import type { WorkerReply } from './recording-types';

const post = (m: WorkerReply) => (self as unknown as { postMessage: (m: WorkerReply) => void }).postMessage(m);

self.onmessage = (e: MessageEvent<ArrayBuffer>) => {
  try {
    let last = 0;
    const recording = decodeMcap(new Uint8Array(e.data), (done, total) => {
      if (done - last >= 4 << 20 || done === total) {
        last = done;
        post({ kind: 'progress', done, total });
      }
    });
    post({ kind: 'done', recording });
  } catch (err) {
    post({ kind: 'error', message: (err as Error).message || String(err) });
  }
};
