// Small pieces the ROS-backed resource features share when they register routes.

/** A getter for something a feature creates in init(), failing clearly if a route runs before that. */
export function afterInit<T>(get: () => T | undefined, feature: string): () => T {
  return () => {
    const v = get();
    if (v === undefined) throw new Error(`${feature} feature used before init`);
    return v;
  };
}

/** The value of `key` in `map`, made by `make` on first use. */
export function memo<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
