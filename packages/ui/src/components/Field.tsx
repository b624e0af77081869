// The labelled controls our forms are made of: the label's text above its control, tied to it by a
// generated id, and the control reporting its text value. `testId` is what the e2e suite finds.
import { type ComponentProps, type ReactNode, useId } from 'react';

type FieldProps = {
  label: ReactNode;
  value: string;
  onValue: (value: string) => void;
  testId: string;
  /** A layout class beside `field` on the label, like `field-wide`. */
  fieldClassName?: string;
};

function FieldLabel({
  id,
  label,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label className={className ? `field ${className}` : 'field'} htmlFor={id}>
      <span>{label}</span>
      {children}
    </label>
  );
}

type InputFieldProps = FieldProps &
  Omit<ComponentProps<'input'>, 'id' | 'value' | 'onChange' | 'list'> & {
    /** Offered as completions while typing. */
    suggestions?: string[];
  };

export function InputField({
  label,
  value,
  onValue,
  testId,
  fieldClassName,
  suggestions,
  ...input
}: InputFieldProps) {
  const id = useId();
  const listId = useId();
  return (
    <FieldLabel id={id} label={label} className={fieldClassName}>
      <input
        {...input}
        id={id}
        list={suggestions ? listId : undefined}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        data-testid={testId}
      />
      {suggestions && (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
    </FieldLabel>
  );
}

type TextAreaFieldProps = FieldProps & Omit<ComponentProps<'textarea'>, 'id' | 'value' | 'onChange'>;

export function TextAreaField({
  label,
  value,
  onValue,
  testId,
  fieldClassName,
  ...textarea
}: TextAreaFieldProps) {
  const id = useId();
  return (
    <FieldLabel id={id} label={label} className={fieldClassName}>
      <textarea
        {...textarea}
        id={id}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        data-testid={testId}
      />
    </FieldLabel>
  );
}

/** An on/off switch (a checkbox with the switch role); its label is `aria-label` or a `<label htmlFor={id}>`. */
export function Switch({
  checked,
  onChecked,
  testId,
  ...input
}: {
  checked: boolean;
  onChecked: (checked: boolean) => void;
  testId: string;
} & Pick<ComponentProps<'input'>, 'id' | 'aria-label' | 'disabled'>) {
  return (
    <input
      {...input}
      type="checkbox"
      role="switch"
      aria-checked={checked}
      checked={checked}
      onChange={(e) => onChecked(e.target.checked)}
      data-testid={testId}
    />
  );
}

/** A form's validation message; renders nothing when there is none. */
export function FieldError({ message, testId, id }: { message: string | null; testId: string; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}
