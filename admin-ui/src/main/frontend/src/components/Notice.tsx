import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client';

/** A status line read out politely by screen readers (results of an action, loading). */
export function Status({ children, id }: { children: ComponentChildren; id?: string }) {
  return (
    <p role="status" aria-live="polite" class="status" id={id}>
      {children}
    </p>
  );
}

/** An error read out at once. */
export function ErrorText({ error, id }: { error: unknown; id?: string }) {
  if (error === null || error === undefined) {
    return null;
  }
  return (
    <p role="alert" class="error" id={id}>
      {describeError(error)}
    </p>
  );
}

/** An error in words for the page: the gateway's message with its status. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) {
      return error.message;
    }
    return `${error.message} (HTTP ${error.status}${error.code ? `, ${error.code}` : ''})`;
  }
  return error instanceof Error ? error.message : String(error);
}
