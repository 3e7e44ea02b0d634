import { useState } from 'react';
import { logOutEverywhere } from '../../api/session.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';

const T = text.settings.everywhere;

/**
 * POST /api/auth/logout-all ends every session of the saver, on every device; this tab then ends
 * its own as a normal log out does, and the login page says what happened.
 */
export function LogOutEverywhere() {
  const [open, setOpen] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setWorking(true);
    setError(null);
    try {
      await logOutEverywhere();
    } catch (failure) {
      setError(failure);
      setWorking(false);
      setOpen(false);
    }
  };

  return (
    <section className="card" aria-labelledby="everywhere-title">
      <h2 id="everywhere-title">{T.title}</h2>
      <p className="muted">{T.body}</p>
      {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
        {T.button}
      </button>
      <ConfirmDialog
        open={open}
        title={T.dialogTitle}
        confirmLabel={working ? T.working : T.confirm}
        busy={working}
        onConfirm={confirm}
        onCancel={() => setOpen(false)}
      >
        <p>{T.dialogBody}</p>
      </ConfirmDialog>
    </section>
  );
}
