import { useState } from "react";
import { ErrorBoundary } from "../ui/ErrorBoundary";
import { AddOrderForm } from "./AddOrderForm";
import { ImportLegacyButton } from "./ImportLegacyButton";
import { OrderTable } from "./OrderTable";

export function OrdersPanel() {
  const [customer, setCustomer] = useState("acme");
  return (
    <>
      <div className="row">
        <label htmlFor="customer">Customer</label>
        <input
          id="customer"
          value={customer}
          onChange={(event) => setCustomer(event.target.value)}
          autoComplete="off"
        />
      </div>
      <ErrorBoundary key={customer} what={`the orders of “${customer}”`}>
        <OrderTable customer={customer} />
      </ErrorBoundary>
      <AddOrderForm customer={customer} />
      <ImportLegacyButton customer={customer} />
    </>
  );
}
