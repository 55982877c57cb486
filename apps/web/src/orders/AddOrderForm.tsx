import { useMutation } from "@orrery/client/react";
import { type FormEvent, useState } from "react";
import { api } from "../api";
import { InlineError } from "../ui/InlineError";
import { useFailure } from "../use-failure";

const statuses = ["pending", "paid", "shipped"];

/** A new order through orders:upsert; the table above shows it when the server has it. */
export function AddOrderForm({ customer }: { customer: string }) {
  const upsert = useMutation(api.orders.upsert);
  const [total, setTotal] = useState("");
  const [status, setStatus] = useState("pending");
  const { error, run, dismiss } = useFailure();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if ((await run(upsert({ customer, total: Number(total), status }))) !== undefined) setTotal("");
  };
  return (
    <form onSubmit={submit}>
      <div className="row">
        <label htmlFor="order-total">Total</label>
        <input
          id="order-total"
          type="number"
          min="0"
          step="0.01"
          required
          value={total}
          onChange={(event) => setTotal(event.target.value)}
        />
        <label htmlFor="order-status">Status</label>
        <select id="order-status" value={status} onChange={(event) => setStatus(event.target.value)}>
          {statuses.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <button type="submit">Add order</button>
      </div>
      <InlineError message={error} onDismiss={dismiss} />
    </form>
  );
}
