package io.invoicestreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void accepts_the_seed_keys_and_prints_them_raw() {
        assertThat(new InvoiceNumber("1212121")).hasToString("1212121");
        assertThat(new TransactionId("Client1_trans1xxxx")).hasToString("Client1_trans1xxxx");
        assertThat(new CountryCode("China")).hasToString("China");
        assertThat(new CountryCode("U.S.")).hasToString("U.S.");
    }

    @Test
    void rejections_name_the_field_and_the_value() {
        assertThatThrownBy(() -> new InvoiceNumber("12/../12"))
                .hasMessageStartingWith("InvoiceNumber '12/../12' is malformed");
        assertThatThrownBy(() -> new InvoiceNumber("x".repeat(65))).hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> new TransactionId(" ")).hasMessage("TransactionIdentifier must not be blank");
        assertThatThrownBy(() -> new TransactionId("a|b")).hasMessageContaining("'a|b' contains a control character or '|'");
        assertThatThrownBy(() -> new TransactionId("x".repeat(1025))).hasMessageContaining("longer than 1024 bytes");
        assertThatThrownBy(() -> new CountryCode("US1")).hasMessageStartingWith("Trans_country 'US1' is malformed");
        assertThatThrownBy(() -> new CountryCode(" USA")).hasMessageStartingWith("Trans_country ' USA' is malformed");
    }

    @Test
    void error_messages_keep_raw_input_short_and_printable() {
        assertThatThrownBy(() -> new InvoiceNumber("bad\n" + "y".repeat(500)))
                .hasMessageStartingWith("InvoiceNumber 'bad?yyy")
                .hasMessageContaining("(504 chars)");
    }
}
