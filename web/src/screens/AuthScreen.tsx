import { type FormEvent, useRef, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { type SessionState, signIn } from '../api/session.ts';
import { errorMessage, text } from '../text.ts';
import { Alert } from '../ui/Alert.tsx';
import { TextField } from '../ui/Field.tsx';
import { Link } from '../ui/Link.tsx';
import { Page } from '../ui/Page.tsx';
import { Piggy } from '../ui/Piggy.tsx';
import { useCountdown } from '../ui/useCountdown.ts';

type Mode = 'login' | 'signup';
type FieldName = 'email' | 'password';
type FieldErrors = Record<FieldName, string[]>;

const noFieldErrors: FieldErrors = { email: [], password: [] };
const MIN_PASSWORD_LENGTH = 12;

function checkLocally(mode: Mode, email: string, password: string): FieldErrors {
  const errors: FieldErrors = { email: [], password: [] };
  if (email === '') errors.email.push(text.auth.emailRequired);
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email.push(text.auth.emailInvalid);
  if (password === '') errors.password.push(text.auth.passwordRequired);
  // Code points, as the server counts them.
  else if (mode === 'signup' && Array.from(password).length < MIN_PASSWORD_LENGTH)
    errors.password.push(text.auth.passwordTooShort);
  return errors;
}

const notices: Record<string, string> = {
  ended: text.auth.sessionEnded,
  'logged-out': text.auth.loggedOut,
  'logged-out-everywhere': text.auth.loggedOutEverywhere,
  unreachable: text.auth.unreachable,
};

export function AuthScreen({ mode, session }: { mode: Mode; session: SessionState }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>(noFieldErrors);
  const [formError, setFormError] = useState<{ message: string; offerLogin: boolean } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const waitSeconds = useCountdown(retryAt);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const isSignup = mode === 'signup';
  const notice = session.status === 'signed-out' && session.reason ? notices[session.reason] : undefined;

  const focusFirstInvalid = (errors: FieldErrors) => {
    if (errors.email.length > 0) emailRef.current?.focus();
    else if (errors.password.length > 0) passwordRef.current?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting || waitSeconds > 0) return;
    const trimmedEmail = email.trim();
    const local = checkLocally(mode, trimmedEmail, password);
    setFormError(null);
    setFieldErrors(local);
    if (local.email.length + local.password.length > 0) {
      focusFirstInvalid(local);
      return;
    }
    setSubmitting(true);
    try {
      await signIn(mode, trimmedEmail, password);
    } catch (error) {
      const fromServer: FieldErrors =
        error instanceof ApiError
          ? { email: error.fieldMessages('email'), password: error.fieldMessages('password') }
          : noFieldErrors;
      const hasFieldErrors = fromServer.email.length + fromServer.password.length > 0;
      setFieldErrors(fromServer);
      setFormError({
        message: hasFieldErrors ? text.errors.fixFields : errorMessage(error),
        offerLogin: error instanceof ApiError && error.status === 409,
      });
      if (error instanceof ApiError && error.status === 429) {
        setRetryAt(Date.now() + (error.retryAfterSeconds ?? 60) * 1000);
      }
      if (hasFieldErrors) focusFirstInvalid(fromServer);
      setSubmitting(false);
    }
  };

  const submitLabel = isSignup
    ? submitting
      ? text.auth.signingUp
      : text.auth.signupSubmit
    : submitting
      ? text.auth.loggingIn
      : text.auth.loginSubmit;

  return (
    <div className="auth-layout">
      <section className="welcome" aria-labelledby="welcome-title">
        <Piggy size={72} className="welcome-pig" />
        <h2 id="welcome-title">{text.welcome.title}</h2>
        <p>{text.welcome.lead}</p>
        <ul className="welcome-points">
          {text.welcome.points.map((point) => (
            <li key={point}>{point}</li>
          ))}
        </ul>
      </section>
      <Page title={isSignup ? text.auth.signupTitle : text.auth.loginTitle} className="auth-card card">
        {notice && !formError && <Alert tone="info">{notice}</Alert>}
        {formError && (
          <Alert tone="error">
            {formError.message}
            {formError.offerLogin && (
              <>
                {' '}
                <Link to="/login">{text.auth.toLogin}</Link>
              </>
            )}
          </Alert>
        )}
        <form onSubmit={submit} noValidate className="stack">
          <TextField
            label={text.auth.email}
            name="email"
            type="email"
            value={email}
            onChange={setEmail}
            autoComplete={isSignup ? 'email' : 'username'}
            errors={fieldErrors.email}
            inputRef={emailRef}
          />
          <TextField
            label={text.auth.password}
            name="password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete={isSignup ? 'new-password' : 'current-password'}
            errors={fieldErrors.password}
            {...(isSignup ? { hint: text.auth.passwordRules } : {})}
            inputRef={passwordRef}
          />
          <button
            type="submit"
            className="button button-primary button-block"
            disabled={submitting || waitSeconds > 0}
          >
            {waitSeconds > 0 ? text.errors.waitButton(waitSeconds) : submitLabel}
          </button>
        </form>
        <p className="switch-mode">
          {isSignup ? text.auth.haveAccount : text.auth.noAccount}{' '}
          <Link to={isSignup ? '/login' : '/signup'}>
            {isSignup ? text.auth.toLogin : text.auth.toSignup}
          </Link>
        </p>
      </Page>
    </div>
  );
}
