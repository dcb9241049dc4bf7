/** Bytes in binary units with up to one decimal: 1536 → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${bytes < 0 ? '-' : ''}${text} ${units[unit]}`;
}

/** A number with at most `digits` decimals, or "—". */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A fraction as a percentage: 0.8612 → `86.1%`. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  return `${(value * 100).toFixed(digits)}%`;
}

/** An ISO instant (or epoch milliseconds) in the reader's locale; the raw text when it does not parse. */
export function formatTime(value: unknown): string {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
