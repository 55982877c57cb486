import { v } from "./v";
import { isValidator, type ObjectValidator, type PropertyValidators } from "./validators";

/**
 * Normalises a function's `args` declaration: a record of field validators or an object
 * validator both become an object validator, so the runner validates one shape.
 */
export function argsValidator<V extends ObjectValidator<PropertyValidators, false>>(validator: V): V;
export function argsValidator<F extends PropertyValidators>(fields: F): ObjectValidator<F>;
export function argsValidator(
  fieldsOrValidator: PropertyValidators | ObjectValidator<PropertyValidators, boolean>,
): ObjectValidator<PropertyValidators, boolean> {
  if (isValidator(fieldsOrValidator)) {
    if (fieldsOrValidator.kind !== "object") {
      throw new TypeError(
        `args must be an object validator or a record of validators, got v.${fieldsOrValidator.kind}()`,
      );
    }
    if (fieldsOrValidator.isOptional) throw new TypeError("args cannot be v.optional(...)");
    return fieldsOrValidator as ObjectValidator<PropertyValidators, boolean>;
  }
  if (
    typeof fieldsOrValidator !== "object" ||
    fieldsOrValidator === null ||
    Array.isArray(fieldsOrValidator)
  ) {
    throw new TypeError("args must be an object validator or a record of validators");
  }
  return v.object(fieldsOrValidator);
}
