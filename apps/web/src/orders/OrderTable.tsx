import { useQuery } from "@orrery/client/react";
import { api } from "../api";

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** The customer's orders, live. */
export function OrderTable({ customer }: { customer: string }) {
  const orders = useQuery(api.orders.byCustomer, { customer });
  if (orders === undefined) return <p className="muted">Loading…</p>;
  if (orders.length === 0) return <p className="muted">No orders for “{customer}” yet.</p>;
  return (
    <table aria-label={`Orders of ${customer}`}>
      <thead>
        <tr>
          <th scope="col">Total</th>
          <th scope="col">Status</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((order) => (
          <tr key={order._id}>
            <td className="num">{money.format(order.total)}</td>
            <td>{order.status}</td>
            <td>{order.legacyId === undefined ? "Orrery" : `legacy #${order.legacyId}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
