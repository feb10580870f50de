import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { t } from '../i18n';
import { login, useSession } from '../session';

export function Login() {
  const s = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErr('');
    try {
      await login(email, password);
    } catch (x) {
      setErr(x instanceof ApiError && x.status === 429 ? t('login.limited')
        : x instanceof ApiError && x.status === 0 ? t('err.network') : t('login.bad'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login">
      <form onSubmit={submit} class="card">
        <h1>窓 {t('login.title')}</h1>
        {s.loginMessage && <p class="notice" id="login-message">{t(s.loginMessage === 'expired' ? 'login.expired' : 'login.loggedout')}</p>}
        {err && <p class="error" role="alert">{err}</p>}
        <label>{t('login.email')}
          <input name="email" type="email" autocomplete="username" required value={email}
                 onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>{t('login.password')}
          <input name="password" type="password" autocomplete="current-password" required value={password}
                 onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
      </form>
    </div>
  );
}
