import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { Dialog } from './dialog';
import { formatTime } from './format';

type Version = RouterOutputs['versions']['list'][number];

/** The Simulate page comparing `versionId` with the live version: what the publish gate asks for. */
export const simulateAgainstLive = (workflowId: string, versionId: string) =>
  `/workflows/${workflowId}/simulate?candidate=${versionId}&baseline=live`;

/**
 * Confirms a publish or a rollback: says what goes live and what stops being live, asks why
 * (the reason is kept with the publication and in the audit log), and, before a publish that has
 * not been simulated against the live version, says so with a link to that simulation.
 */
export function GoLiveDialog(props: {
  workflowId: string;
  kind: 'publish' | 'rollback';
  version: Version;
  /** The version live now, if any. */
  live: Version | undefined;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { kind, version, live } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const options = {
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries(trpc.versions.list.queryFilter()),
        queryClient.invalidateQueries({ queryKey: trpc.versions.liveAt.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.workflows.get.pathKey() }),
      ]);
      close(false);
    },
  };
  const publish = useMutation(trpc.versions.publish.mutationOptions(options));
  const rollback = useMutation(trpc.versions.rollback.mutationOptions(options));
  const mutation = kind === 'publish' ? publish : rollback;
  const action =
    kind === 'publish'
      ? `Publish version ${version.number}`
      : `Roll back to version ${version.number}`;
  const close = (open: boolean) => {
    props.onOpenChange(open);
    if (!open) {
      mutation.reset();
      setReason('');
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({ versionId: version.id, reason });
  };
  const gate = kind === 'publish' ? version.publishGate : null;
  const signers = version.approvals.filter((a) => a.counts).map((a) => a.userName);
  const liveSince = live?.publications.at(-1);
  return (
    <Dialog
      open={props.open}
      onOpenChange={close}
      testId="go-live-dialog"
      title={`${action}?`}
      description="CRMs calling the evaluation API get the new version on their next request."
      error={mutation.error?.message}
      submit={{
        label: action,
        busyLabel: 'Working…',
        busy: mutation.isPending,
        disabled: !reason.trim(),
        tone: kind === 'publish' ? 'primary' : 'danger',
        onSubmit: submit,
      }}
    >
      <p data-testid="goes-live">
        <strong>Goes live:</strong> version {version.number} “{version.change_note}” by{' '}
        {version.authorName}
        {signers.length > 0 && <>, signed off by {signers.join(' and ')}</>}
        {kind === 'rollback' && ' (again: this is a rollback)'}.
      </p>
      <p data-testid="stops-being-live">
        <strong>Stops being live:</strong>{' '}
        {live ? (
          <>
            version {live.number} “{live.change_note}”
            {liveSince && (
              <>
                , live since {formatTime(liveSince.published_at)} (
                {liveSince.kind === 'rollback' ? 'rolled back to' : 'published'} by{' '}
                {liveSince.publishedByName})
              </>
            )}
            .
          </>
        ) : (
          'nothing, no version is live yet.'
        )}
      </p>
      {gate && !gate.simulated && (
        <p className={gate.required ? 'error' : 'muted'} data-testid="publish-blocker">
          Version {version.number} has not been simulated against the live version{' '}
          {gate.liveVersionNumber}
          {gate.required ? '; publishing needs that run first. ' : '. '}
          <Link to={simulateAgainstLive(props.workflowId, version.id)}>
            Simulate version {version.number} against live version {gate.liveVersionNumber}
          </Link>
        </p>
      )}
      <label className="field">
        <span className="field-label">Reason (kept in the audit log)</span>
        <textarea
          data-testid="go-live-reason"
          rows={3}
          required
          maxLength={500}
          value={reason}
          placeholder={
            kind === 'publish'
              ? 'e.g. Both teams signed off; the simulation shows 4% more SQLs.'
              : 'e.g. Sales got too many unqualified MQLs since Monday.'
          }
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
    </Dialog>
  );
}
