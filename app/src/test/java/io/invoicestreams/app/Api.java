package io.invoicestreams.app;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;

/** Requests with the keys of the test profile (application.properties, %test). */
final class Api {

    static final String ADMIN_KEY = "test-admin-key-0123456789";
    static final String READ_KEY = "test-read-key-0123456789";

    private Api() {
    }

    /** A request with the test profile's admin key. */
    static RequestSpecification admin() {
        return given().header(ApiKeyAuthentication.HEADER, ADMIN_KEY);
    }
}
