/**
 * Records unhandled promise rejections from the suite's `beforeAll` on, for fault tests that must not leave any.
 * Call `expectNone()` in the suite's `afterAll`, after its own clean-up, so rejections raised by teardown count.
 */
export function watchUnhandledRejections(): { expectNone(): void } {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  return {
    expectNone() {
      process.off('unhandledRejection', onUnhandled);
      expect(unhandled).toEqual([]);
    },
  };
}
