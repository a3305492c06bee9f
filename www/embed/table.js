// A comparison table computed live from run() calls (in a Web Worker), for table.html.
import { run } from '../losslab.mjs';

const PRESETS = ['async-flush-power-loss', 'sync-flush-power-loss', 'async-flush-process-crash',
  'async-master-disk-lost', 'sync-master-disk-lost', 'book-recommendation'];
const COLUMNS = [
  (r) => r.summary.messages,
  (r) => r.summary.sendStatus.SEND_OK,
  (r) => r.summary.verdicts.LOST_AFTER_ACK,
  (r) => r.summary.verdicts.LOST_UNACKED,
  (r) => r.summary.verdicts.DUPLICATED,
  (r) => r.summary.verdicts.DEAD_LETTERED,
];

const table = document.getElementById('comparison');
const reports = await Promise.all(PRESETS.map((id) => run(id, { worker: true })));
const rows = reports.map((r, i) => {
  const tr = document.createElement('tr');
  tr.dataset.preset = PRESETS[i];
  const th = document.createElement('th');
  th.textContent = PRESETS[i];
  th.title = r.name;
  tr.append(th, ...COLUMNS.map((col) => {
    const td = document.createElement('td');
    td.textContent = String(col(r));
    return td;
  }));
  if (r.summary.verdicts.LOST_AFTER_ACK > 0) tr.className = 'broken';
  return tr;
});
table.tBodies[0].replaceChildren(...rows);
table.setAttribute('aria-busy', 'false');
table.dataset.ready = 'true';
