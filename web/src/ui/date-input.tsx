import { createEffect, createSignal, untrack } from "solid-js";
import { dayToVi, parseDateVi } from "../../../shared/domain/index.ts";

/**
 * A date typed and shown as dd/mm/yyyy whatever the browser's language (a native date input
 * shows mm/dd/yyyy in an English browser). `value` and `onChange` carry `yyyy-mm-dd`, or "" when
 * the text is not (yet) a real date.
 */
export function DateInput(props: { value: string; onChange: (isoDay: string) => void; testId?: string; id?: string }) {
  const [text, setText] = createSignal(props.value ? dayToVi(props.value) : "");
  createEffect(() => {
    // Follow the value when it changes from outside (a form reset), not while the person types.
    // The text is read untracked: tracking it re-ran this on the keystroke that completes a date,
    // before onChange, and wiped what the person had just typed.
    const v = props.value;
    if (v !== (parseDateVi(untrack(text)) ?? "")) setText(v ? dayToVi(v) : "");
  });
  return (
    <input
      id={props.id}
      data-testid={props.testId}
      inputmode="numeric"
      placeholder="dd/mm/yyyy"
      value={text()}
      aria-invalid={text() !== "" && !parseDateVi(text())}
      onInput={(e) => {
        const typed = e.currentTarget.value;
        setText(typed);
        props.onChange(parseDateVi(typed) ?? "");
      }}
    />
  );
}
