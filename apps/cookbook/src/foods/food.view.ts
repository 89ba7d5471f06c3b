import type { Food } from './food.entity.js';

/** A food as the API shows it. */
export interface FoodView {
  readonly id: number;
  readonly name: string;
}

export function foodView({ id, name }: Food): FoodView {
  return { id, name };
}
