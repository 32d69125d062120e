// The HTTP agent lives with the bench fixtures (bin/fixtures) so benchmarks need nothing from test/.
export * from '../../bin/fixtures/agent';
