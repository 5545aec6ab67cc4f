package io.invoicestreams.projections.countryverification;

class CountryVerificationProjectionTest extends CountryVerificationProjectionContract {

    @Override
    protected CountryVerificationStore emptyStore() {
        return new InMemoryCountryVerificationStore();
    }
}
