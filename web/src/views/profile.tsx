// The agent's own settings: name, language, time zone, availability, and
// which events mail them (GET/PATCH /api/v1/me/notifications,
// docs/outgoing-mail.md). One Save writes both.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { browserTimeZone, t } from '../i18n';
import { applyLocale, changed, myAgent, state } from '../session';
import { toast, toastError } from '../toast';
import type { Agent } from '../types';

const ZONES = ['Asia/Tokyo', 'UTC', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles',
  'Asia/Singapore', 'Australia/Sydney'];

const NOTIFY = ['new_in_group', 'assigned', 'customer_replied', 'mention'] as const;
type Notify = Record<(typeof NOTIFY)[number], boolean>;

export function Profile() {
  const a = myAgent();
  const [name, setName] = useState(a?.name ?? '');
  const [language, setLanguage] = useState(a?.language ?? 'en');
  const [tz, setTz] = useState(a?.time_zone ?? 'UTC');
  const [available, setAvailable] = useState(a?.available ?? true);
  const [notify, setNotify] = useState<Notify | null>(null);
  useEffect(() => void api<Notify>('GET', '/api/v1/me/notifications').then(setNotify).catch(toastError), []);
  if (!a) return null;
  const zones = ZONES.includes(tz) ? ZONES : [tz, ...ZONES];
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const [r, n] = await Promise.all([
        api<{ agent: Agent }>('PATCH', `/api/v1/agents/${a.id}`, { name, language, time_zone: tz, available }),
        notify ? api<Notify>('PATCH', '/api/v1/me/notifications', notify) : Promise.resolve(null),
      ]);
      state.agents = state.agents.map((x) => (x.id === a.id ? r.agent : x));
      if (n) setNotify(n);
      applyLocale();
      changed();
      toast(t('t.saved'));
    } catch (x) {
      toastError(x);
    }
  };
  return (
    <section class="profile">
      <h1>{t('prof.title')}</h1>
      <form onSubmit={save} class="card">
        <label>{t('prof.name')} <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
        <label>{t('prof.language')}
          <select name="language" value={language} onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}>
            <option value="en">{t('prof.browser', { l: navigator.language })}</option>
            <option value="ja">日本語</option>
            <option value="en-US">English</option>
          </select>
        </label>
        <label>{t('prof.tz')}
          <select name="time_zone" value={tz} onChange={(e) => setTz((e.target as HTMLSelectElement).value)}>
            {zones.map((z) => <option key={z} value={z}>{z === 'UTC' ? t('prof.tzbrowser', { z: browserTimeZone() }) : z}</option>)}
          </select>
        </label>
        <label class="check"><input type="checkbox" checked={available} onChange={() => setAvailable(!available)} /> {t('prof.available')}</label>
        {notify && (
          <fieldset class="notify" data-testid="notify">
            <legend>{t('prof.notify')}</legend>
            {NOTIFY.map((k) => (
              <label key={k} class="check"><input type="checkbox" name={`notify.${k}`} checked={notify[k]}
                onChange={() => setNotify({ ...notify, [k]: !notify[k] })} /> {t(`prof.n.${k}`)}</label>
            ))}
          </fieldset>
        )}
        <button type="submit" class="primary">{t('prof.save')}</button>
      </form>
    </section>
  );
}
