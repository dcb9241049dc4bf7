import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { formFields, schemaFields } from '../profile/schema';
import { FieldInput } from './FieldInput';

const [window, flag, choice] = formFields('eviction.config', schemaFields({ fields: [
  { name: 'window_tokens', type: 'int', default: 512, min: 16, max: 65536, unit: 'tokens', help: 'Recent tokens kept.' },
  { name: 'protect_prompt', type: 'bool', default: false, help: '' },
  { name: 'score', type: 'enum', default: 'sum', choices: ['sum', 'mean'], help: 'How scores add up.' },
] }));

describe('FieldInput', () => {
  const root = document.createElement('div');
  document.body.appendChild(root);
  afterEach(() => render(null, root));

  it('labels the input and ties its help to it', () => {
    render(<FieldInput field={window} value="512" error={undefined} onChange={() => {}} />, root);
    const input = root.querySelector('input')!;
    expect(root.querySelector('label')!.getAttribute('for')).toBe(input.id);
    expect(root.querySelector('label')!.textContent).toBe('Window tokens (tokens)');
    expect(input.getAttribute('aria-describedby')).toBe(`${input.id}-help`);
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(input.getAttribute('inputmode')).toBe('numeric');
  });

  it('marks an error for screen readers and shows it beside the input', () => {
    render(<FieldInput field={window} value="8" error="Must be between 16 and 65536 tokens." onChange={() => {}} />, root);
    const input = root.querySelector('input')!;
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(`${input.id}-help ${input.id}-error`);
    expect(root.querySelector(`#${input.id}-error`)!.textContent).toBe('Must be between 16 and 65536 tokens.');
  });

  it('renders a checkbox for a bool and a select of the choices for an enum', () => {
    let seen: unknown = null;
    render(<FieldInput field={flag} value={true} error={undefined} onChange={(v) => (seen = v)} />, root);
    const box = root.querySelector('input')!;
    expect(box.type).toBe('checkbox');
    expect(box.checked).toBe(true);
    box.click();
    expect(seen).toBe(false);
    render(<FieldInput field={choice} value="mean" error={undefined} onChange={() => {}} />, root);
    const select = root.querySelector('select')!;
    expect([...select.options].map((o) => o.value)).toEqual(['sum', 'mean']);
    expect(select.value).toBe('mean');
  });
});
