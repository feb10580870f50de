// Admin page of the triggers (docs/api/rules.md; the rule grammar is in
// docs/workflow.md): a trigger is edited as its JSON, which the server
// parses with the code that runs it and refuses with the reason.
import { Crud, CrudSpec, enabledCell, parseJson } from './admin_kit';

const SAMPLE = {
  on: ['created'],
  if: { field: 'priority', value: 'urgent' },
  then: [{ add_tags: ['urgent'] }],
};

const TRIGGERS: CrudSpec = {
  title: 'trg.title', testid: 'triggers', base: '/api/v1/rules', list: '/api/v1/rules?kind=trigger', listKey: 'rules',
  createExtra: { kind: 'trigger' },
  fields: [
    { key: 'name', label: 'admin.name', required: true },
    { key: 'enabled', label: 'admin.enabled', kind: 'check', initial: true },
    { key: 'rule', label: 'trg.rule', kind: 'textarea', required: true, initial: JSON.stringify(SAMPLE, null, 2),
      show: (r) => JSON.stringify(r, null, 2), send: parseJson },
  ],
  columns: [['admin.position', (x) => x.position], ['admin.name', (x) => x.name],
    ['admin.enabled', enabledCell], ['trg.on', (x) => (x.rule?.on ?? ['created']).join(', ')]],
  label: (x) => x.name,
};

export function TriggersAdmin() {
  return <Crud spec={TRIGGERS} />;
}
