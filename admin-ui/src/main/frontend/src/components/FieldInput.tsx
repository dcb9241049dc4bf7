import type { FormField } from '../profile/schema';

interface Props {
  field: FormField;
  value: string | boolean;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
  label?: string;
}

/**
 * One generated form input with its label, its help and its error, tied together for screen readers
 * (`aria-describedby`, `aria-invalid`); the error shows as the person types. Numbers use text inputs with a
 * numeric keyboard hint: a number input hides what was typed when it is not a number, so it could not be reported.
 */
export function FieldInput({ field, value, error, onChange, label }: Props) {
  const helpId = `${field.id}-help`;
  const errorId = `${field.id}-error`;
  const describedBy = [field.help ? helpId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const text = label ?? field.label;
  const unit = field.unit && field.input !== 'checkbox' ? ` (${field.unit})` : '';
  const common = {
    id: field.id,
    name: field.path,
    'aria-describedby': describedBy,
    'aria-invalid': error ? ('true' as const) : undefined,
    'data-path': field.path,
  };
  let control;
  if (field.input === 'checkbox') {
    control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  } else if (field.input === 'select') {
    control = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
        {field.choices.map((c) => (
          <option value={c} key={c}>{c}</option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        {...common}
        type="text"
        inputMode={field.input === 'number' ? (field.type === 'double' ? 'decimal' : 'numeric') : undefined}
        required={field.required}
        aria-required={field.required ? 'true' : undefined}
        value={String(value)}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  return (
    <div class={`field${error ? ' has-error' : ''}${field.input === 'checkbox' ? ' field-checkbox' : ''}`}>
      <label for={field.id}>
        {text}
        {unit}
        {field.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {control}
      {field.help ? <p id={helpId} class="help">{field.help}</p> : null}
      {error ? <p id={errorId} class="field-error">{error}</p> : null}
    </div>
  );
}
