// Lets the user point the UI at another gateway; the choice is kept in localStorage.
import { useEffect, useState } from 'preact/hooks';
import { Dialog, FormFooter } from './dialog';
import { normalizeGatewayUrl } from '../api/gateway-url';

interface ConnectionDialogProps {
  open: boolean;
  current: string;
  onClose: () => void;
  /** '' = same origin as the page. */
  onChoose: (url: string) => void;
}

export function ConnectionDialog({ open, current, onClose, onChoose }: ConnectionDialogProps) {
  const [text, setText] = useState(current);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (open) {
      setText(current);
      setError(undefined);
    }
  }, [open, current]);
  const submit = (e: Event) => {
    e.preventDefault();
    if (text.trim() === '') {
      onChoose('');
      return;
    }
    const url = normalizeGatewayUrl(text);
    if (!url) {
      setError('Enter an http:// or https:// address, e.g. http://robot:8080');
      return;
    }
    setError(undefined);
    onChoose(url);
  };
  return (
    <Dialog title="Connect to a gateway" open={open} onClose={onClose}>
      <form onSubmit={submit} class="stack" noValidate>
        <label for="gateway-url">Gateway URL</label>
        <input
          id="gateway-url"
          type="url"
          inputMode="url"
          placeholder="http://robot:8080 (empty: this server)"
          value={text}
          autofocus
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          aria-describedby="gateway-help"
          aria-invalid={error ? true : undefined}
        />
        <p id="gateway-help" class="help">
          Leave empty to use the gateway that served this page. You can also open the UI with <code>?gateway=http://robot:8080</code>.
        </p>
        <FormFooter error={error} submitLabel="Connect" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
