import { type FormEvent, useState } from "react";

const suggestions = ["inbox", "groceries", "work"];

/** Pick a list from the suggestions or type any name; the page then shows that list. */
export function ListPicker({ list, onPick }: { list: string; onPick: (list: string) => void }) {
  const [draft, setDraft] = useState(list);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = draft.trim();
    if (name) onPick(name);
  };
  return (
    <div className="list-picker">
      <form onSubmit={submit} className="row">
        <label htmlFor="list-name">List</label>
        <input
          id="list-name"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          autoComplete="off"
        />
        <button type="submit">Open</button>
      </form>
      <nav aria-label="Suggested lists" className="chips">
        {suggestions.map((name) => (
          <button
            key={name}
            type="button"
            className="chip"
            aria-pressed={name === list}
            onClick={() => {
              setDraft(name);
              onPick(name);
            }}
          >
            {name}
          </button>
        ))}
      </nav>
    </div>
  );
}
