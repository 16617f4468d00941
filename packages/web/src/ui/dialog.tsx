// Modal dialog on the native <dialog> element (the rest of the page becomes inert), plus an
// explicit Tab wrap so focus cycles inside, Escape to close, and focus returned to the opener.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ComponentChildren;
  /** Extra class, e.g. 'dialog-wide'. */
  class?: string;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({ title, open, onClose, children, class: cls }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useRef(`dlg-${Math.random().toString(36).slice(2, 9)}`);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
      const first = d.querySelector<HTMLElement>('[autofocus]') ?? d.querySelector<HTMLElement>(FOCUSABLE);
      first?.focus();
    } else if (!open && d.open) {
      d.close();
      (opener.current as HTMLElement | null)?.focus?.();
    }
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog ref={ref} class={`dialog ${cls ?? ''}`} aria-labelledby={titleId.current} onKeyDown={onKeyDown} onCancel={(e) => (e.preventDefault(), onClose())}>
      {open && (
        <div class="dialog-body">
          <header class="dialog-head">
            <h2 id={titleId.current}>{title}</h2>
            <button type="button" class="icon-button" aria-label="Close dialog" onClick={onClose}>
              ×
            </button>
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}

interface ConfirmProps {
  title: string;
  open: boolean;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** Yes/no confirmation; Cancel has the initial focus so Enter never destroys by accident. */
export function Confirm({ title, open, message, confirmLabel, danger, busy, error, onConfirm, onClose }: ConfirmProps) {
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      <div class="dialog-message">{message}</div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" autofocus onClick={onClose}>
          Cancel
        </button>
        <button type="button" class={danger ? 'danger' : 'primary'} disabled={busy} onClick={onConfirm}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

/** The end of a dialog's form: its error (as an alert) and the Cancel and submit buttons. */
export function FormFooter({ error, errorTestId, submitLabel, busy, onCancel }: { error?: string; errorTestId?: string; submitLabel: string; busy?: boolean; onCancel: () => void }) {
  return (
    <>
      {error && (
        <p class="error" role="alert" data-testid={errorTestId}>
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
