import {
  profileCsv,
  type CsvDelimiter,
  type FileProfile,
  type ProfileProgress,
} from './profile-file';
import type { ProfileMessage, ProfileRequest } from './profile-worker';

/**
 * Profiles a whole CSV file off the main thread (a module Web Worker), so a big file keeps the
 * page responsive; where there are no workers (tests), on the main thread. `cancel` stops the
 * reading.
 * @example const job = profileInWorker(file, ',', setProgress); const profile = await job.done;
 */
export function profileInWorker(
  file: File,
  delimiter: CsvDelimiter,
  onProgress: (progress: ProfileProgress) => void,
): { done: Promise<FileProfile>; cancel: () => void } {
  if (typeof Worker === 'undefined') {
    const controller = new AbortController();
    return {
      done: profileCsv(file, delimiter, onProgress, controller.signal),
      cancel: () => controller.abort(),
    };
  }
  const worker = new Worker(new URL('./profile-worker.ts', import.meta.url), { type: 'module' });
  let cancel = () => worker.terminate();
  const done = new Promise<FileProfile>((resolve, reject) => {
    cancel = () => {
      worker.terminate();
      reject(new DOMException('The file was not read to its end.', 'AbortError'));
    };
    worker.onmessage = (event: MessageEvent<ProfileMessage>) => {
      const message = event.data;
      if (message.kind === 'progress') return onProgress(message);
      worker.terminate();
      if (message.kind === 'done') resolve(message.profile);
      else reject(new Error(message.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'The file could not be read.'));
    };
    worker.postMessage({ file, delimiter } satisfies ProfileRequest);
  });
  return { done, cancel: () => cancel() };
}
