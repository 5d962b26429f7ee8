/**
 * The report page's own script (plain browser JavaScript, inlined): the step scrubber. It reads
 * the page's JSON data and, at each step, points at the step's row of the sequence diagram,
 * lights every actor's active states on its statechart and fills in the seq values, the page
 * tables and the locks held. Keys: ← → a step, Home / End the ends.
 */
export const PAGE_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  if (!data.traces.length) return;
  const $ = (sel) => document.querySelector(sel);
  const sections = [...document.querySelectorAll('section.trace')];
  const slider = $('#scrubber');
  const picker = $('#trace-picker');
  let t = 0;
  let step = 0;

  const cell = (text, cls) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  const table = (id, head, rows) => {
    const el = $(id);
    el.replaceChildren();
    const tr = document.createElement('tr');
    for (const h of head) {
      const th = document.createElement('th');
      th.textContent = h;
      tr.append(th);
    }
    el.append(tr);
    for (const r of rows) {
      const row = document.createElement('tr');
      for (const c of r) row.append(cell(c));
      el.append(row);
    }
    if (!rows.length) {
      const row = document.createElement('tr');
      row.append(cell('(empty)', 'empty'));
      el.append(row);
    }
  };
  const entryText = (e) => (e && typeof e === 'object' ? Object.entries(e).map(([k, v]) => k + '=' + JSON.stringify(v)).join(' ') : String(e));

  function show() {
    const tr = data.traces[t];
    step = Math.max(0, Math.min(step, tr.steps.length));
    const frame = tr.frames[step];
    const s = tr.steps[step - 1];
    sections.forEach((sec, i) => (sec.hidden = i !== t));
    for (const g of sections[t].querySelectorAll('g.step')) {
      const here = Number(g.dataset.step) === step;
      g.classList.toggle('current', here);
      if (here) g.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
    slider.max = String(tr.steps.length);
    slider.value = String(step);
    $('#step-no').textContent = 'step ' + step + ' / ' + tr.steps.length;
    $('#step-text').textContent = s
      ? s.from + ' → ' + s.actor + ': ' + s.event + (s.change ? '   [' + s.change + ']' : '')
      : 'the state before the first step';
    const flags = [];
    if (tr.race && (step === tr.race.first || step === tr.race.second)) flags.push('critical reordering: ' + tr.race.text);
    if (tr.reportedAt !== null && step >= tr.reportedAt) flags.push('✗ ' + tr.violation.kind + ' (reported after step ' + tr.reportedAt + ')');
    if (tr.loopFrom !== undefined && step > tr.loopFrom) flags.push('↻ in the loop (from step ' + (tr.loopFrom + 1) + ')');
    $('#step-flags').textContent = flags.join('   ');
    for (const el of document.querySelectorAll('.actor')) {
      const id = el.dataset.actor;
      const a = frame.actors[id];
      const on = new Set(a.active);
      for (const g of el.querySelectorAll('g.state')) g.classList.toggle('on', on.has(g.dataset.state));
      el.classList.toggle('acting', !!s && (s.actor === id || s.from === id));
      el.querySelector('.actor-state').textContent = a.state + (a.seq ? '   (' + a.seq + ')' : '');
    }
    table('#seq-table', ['actor', 'seq values'], Object.entries(frame.actors).filter(([, a]) => a.seq).map(([id, a]) => [id, a.seq]));
    const tables = (kind) => Object.entries(frame.tables[kind]).flatMap(([owner, rows]) => Object.entries(rows).map(([addr, e]) => [owner, addr, entryText(e)]));
    table('#device-table', ['device', 'address', 'entry'], tables('devices'));
    table('#cpu-table', ['mm', 'address', 'PTE'], tables('cpu'));
    table('#lock-table', ['lock', 'held by'], Object.entries(frame.locks).map(([lock, holders]) => [lock, holders.join(', ') || 'free']));
  }

  document.addEventListener('keydown', (e) => {
    if (e.target && e.target.tagName === 'SELECT') return;
    const last = data.traces[t].steps.length;
    const to = { ArrowRight: step + 1, ArrowLeft: step - 1, Home: 0, End: last }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    step = to;
    show();
  });
  slider.addEventListener('input', () => {
    step = Number(slider.value);
    show();
  });
  $('#prev').addEventListener('click', () => { step--; show(); });
  $('#next').addEventListener('click', () => { step++; show(); });
  if (picker) picker.addEventListener('change', () => { t = Number(picker.value); step = 0; show(); });
  for (const sec of sections)
    for (const g of sec.querySelectorAll('g.step'))
      g.addEventListener('click', () => { step = Number(g.dataset.step); show(); });
  show();
})();
`;
