// Progress on stderr: a redrawn bar on a TTY (steps/s, loss, ETA), plain log lines otherwise (CI, pipes).
import type { TrainEvent } from 'gated';

const fmtTime = (s: number): string => {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return `${m}:${String(r).padStart(2, '0')}`;
};

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (e: TrainEvent) => void {
  const tty = Boolean(stream.isTTY);
  let lastLine = 0;
  return (e) => {
    if (e.type === 'epochStart') { lastLine = 0; return; }
    if (e.type === 'step') {
      const head = `epoch ${e.epoch} ${e.step}/${e.steps}`;
      const tail = `loss ${e.loss.toFixed(4)} · ${e.stepsPerSecond.toFixed(1)} steps/s · ETA ${fmtTime(e.etaSeconds)}`;
      if (tty) {
        const width = 24, done = Math.round((width * e.step) / e.steps);
        stream.write(`\r${head} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${tail}\x1b[K`);
        if (e.step === e.steps) stream.write('\r\x1b[K');
      } else if (e.step === e.steps || e.step - lastLine >= Math.max(1, Math.ceil(e.steps / 4))) {
        lastLine = e.step;
        stream.write(`${head}  ${tail}\n`);
      }
      return;
    }
    if (e.type === 'earlyStop') stream.write(`early stopping after epoch ${e.epoch} (best validation loss ${e.bestValLoss.toFixed(4)})\n`);
  };
}
