// People and institutions for tests and benchmarks live in bin/fixtures, shared by both.
export * from '../../bin/fixtures/people';
