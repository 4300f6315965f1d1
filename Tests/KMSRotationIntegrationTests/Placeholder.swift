import Testing

@Test func integrationPlaceholder() {}
