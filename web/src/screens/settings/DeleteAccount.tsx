import { useState } from 'react';
import { apiRequest, logOut } from '../../api/session.ts';
import { showFlash } from '../../flash.ts';
import { useSaver } from '../../saver.ts';
import { errorMessage, text } from '../../text.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { TextField } from '../../ui/Field.tsx';

/**
 * DELETE /api/me erases everything, so the saver confirms by typing their email address: a
 * stray click or Enter can never delete an account.
 */
export function DeleteAccount() {
  const { email } = useSaver();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const close = () => {
    setOpen(false);
    setTyped('');
    setMismatch(false);
  };

  const confirm = async () => {
    if (typed.trim().toLowerCase() !== email.toLowerCase()) {
      setMismatch(true);
      return;
    }
    setDeleting(true);
    setError(null);
    try {
      await apiRequest('DELETE', '/api/me');
    } catch (failure) {
      setError(failure);
      setDeleting(false);
      close();
      return;
    }
    showFlash({ tone: 'success', message: text.settingsEdit.deleted, path: '/login' });
    try {
      // The server already ended every session; this forgets the one in this tab.
      await logOut();
    } catch {
      window.location.assign('/login');
    }
  };

  return (
    <section className="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">{text.settingsEdit.deleteTitle}</h2>
      <p className="muted">{text.settingsEdit.deleteBody}</p>
      {error !== null && <Alert tone="error">{errorMessage(error)}</Alert>}
      <button type="button" className="button button-danger-outline" onClick={() => setOpen(true)}>
        {text.settingsEdit.deleteButton}
      </button>
      <ConfirmDialog
        open={open}
        title={text.settingsEdit.deleteDialogTitle}
        confirmLabel={deleting ? text.settingsEdit.deleting : text.settingsEdit.deleteConfirm}
        busy={deleting}
        onConfirm={confirm}
        onCancel={close}
      >
        <div className="stack">
          <p>{text.settingsEdit.deleteDialogBody}</p>
          <TextField
            label={text.settingsEdit.deleteEmailLabel}
            name="confirm-email"
            type="email"
            inputMode="email"
            value={typed}
            onChange={(value) => {
              setTyped(value);
              setMismatch(false);
            }}
            errors={mismatch ? [text.settingsEdit.deleteEmailMismatch] : []}
          />
        </div>
      </ConfirmDialog>
    </section>
  );
}
