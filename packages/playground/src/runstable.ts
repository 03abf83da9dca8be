// The runs table below the loss chart: one row per kept run (colour and editable name, cell, hidden size, parameters,
// steps, time per step, best validation loss, steps to reach the target loss) with its actions. Rows persist across
// updates, so renaming a run is not interrupted by training progress.
import { bestVal, msPerStep, stepsToReach, type Run } from './runs.js';

export interface RowActions {
  select(id: number): void;
  rename(id: number, name: string): void;
  remove(id: number): void;
  export(id: number, what: 'safetensors' | 'zip'): void;
}

interface Row { tr: HTMLTableRowElement; cells: Record<string, HTMLTableCellElement>; name: HTMLInputElement; swatch: HTMLSpanElement }

const COLUMNS = ['cell', 'hidden', 'parameters', 'steps', 'ms', 'best', 'reach'] as const;

function button(text: string, title: string, onclick: () => void): HTMLButtonElement {
  return Object.assign(document.createElement('button'), { type: 'button', textContent: text, title, className: 'small', onclick });
}

export class RunsTable {
  private readonly rows = new Map<number, Row>();
  private readonly body: HTMLTableSectionElement;

  constructor(table: HTMLTableElement, private readonly actions: RowActions) { this.body = table.tBodies[0]; }

  private row(r: Run): Row {
    const id = r.info.id;
    let row = this.rows.get(id);
    if (row) return row;
    const tr = document.createElement('tr'), swatch = document.createElement('span'), name = document.createElement('input');
    tr.dataset.run = String(id);
    swatch.className = 'swatch';
    name.value = r.name; name.className = 'run-name'; name.setAttribute('aria-label', 'run name');
    name.onchange = () => this.actions.rename(id, name.value);
    const nameCell = document.createElement('td'), actions = document.createElement('td');
    nameCell.className = 'c-name'; nameCell.append(swatch, name);
    const cells = Object.fromEntries(COLUMNS.map((c) => [c, Object.assign(document.createElement('td'), { className: `c-${c}` })])) as Row['cells'];
    actions.className = 'actions';
    actions.append(button('weights', 'download the weights as .safetensors (PyTorch names)', () => this.actions.export(id, 'safetensors')),
      button('model', 'download the model directory as .zip (gated generate / eval read it; Load model takes it back)', () => this.actions.export(id, 'zip')),
      button('✕', 'remove this run', () => this.actions.remove(id)));
    tr.append(nameCell, ...COLUMNS.map((c) => cells[c]), actions);
    tr.onclick = (e) => { if (!(e.target instanceof HTMLButtonElement) && !(e.target instanceof HTMLInputElement)) this.actions.select(id); };
    row = { tr, cells, name, swatch };
    this.rows.set(id, row);
    return row;
  }

  update(runs: readonly Run[], target: number | null, selected: number | null): void {
    const keep = new Set(runs.map((r) => r.info.id));
    for (const [id, row] of this.rows) if (!keep.has(id)) { row.tr.remove(); this.rows.delete(id); }
    runs.forEach((r, k) => {
      const row = this.row(r), i = r.info, ms = msPerStep(r), best = bestVal(r), reach = target === null ? null : stepsToReach(r, target);
      if (this.body.children[k] !== row.tr) this.body.insertBefore(row.tr, this.body.children[k] ?? null);
      row.swatch.style.background = r.color;
      if (document.activeElement !== row.name) { row.name.value = r.name; row.name.size = Math.max(8, Math.min(24, [...r.name].length)); }
      const text: Record<(typeof COLUMNS)[number], string> = {
        cell: `${i.cell.toUpperCase()}${i.layers > 1 ? ` × ${i.layers}` : ''}`, hidden: String(i.hidden), parameters: i.parameters.toLocaleString('en'),
        steps: `${r.steps} / ${i.budget}${r.state === 'training' ? ' …' : r.state === 'done' ? ' ✓' : ''}`,
        ms: ms === null ? '–' : ms.toFixed(1), best: best === null ? '–' : best.toFixed(3),
        reach: target === null ? '–' : reach === null ? 'not yet' : String(reach),
      };
      for (const c of COLUMNS) if (row.cells[c].textContent !== text[c]) row.cells[c].textContent = text[c];
      row.cells.parameters.dataset.value = String(i.parameters);
      row.tr.classList.toggle('selected', r.info.id === selected);
      row.tr.dataset.state = r.state;
      row.tr.dataset.steps = String(r.steps); row.tr.dataset.stepSeconds = String(r.stepSeconds);
    });
  }
}
