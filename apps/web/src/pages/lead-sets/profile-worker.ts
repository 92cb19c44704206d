/// <reference lib="webworker" />
import {
  profileCsv,
  type CsvDelimiter,
  type FileProfile,
  type ProfileProgress,
} from './profile-file';

/** What the page asks the worker. */
export interface ProfileRequest {
  file: File;
  delimiter: CsvDelimiter;
}

/** What the worker answers: progress while reading, then the profile or why it failed. */
export type ProfileMessage =
  | ({ kind: 'progress' } & ProfileProgress)
  | { kind: 'done'; profile: FileProfile }
  | { kind: 'failed'; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<ProfileRequest>) => {
  const post = (message: ProfileMessage) => scope.postMessage(message);
  try {
    const profile = await profileCsv(event.data.file, event.data.delimiter, (p) =>
      post({ kind: 'progress', ...p }),
    );
    post({ kind: 'done', profile });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};
