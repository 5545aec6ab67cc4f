package io.invoicestreams.domain.change;

import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.DocumentValue;
import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.Texts;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.invoice.TransactionChange;
import io.invoicestreams.domain.invoice.TransactionChange.DeletionCause;
import io.invoicestreams.domain.invoice.TransactionDetails;
import java.util.Currency;
import java.util.Objects;
import java.util.Optional;

/**
 * Translates an observed item change into a {@link TransactionChange} for one invoice. It reads the table's
 * attribute names and value shapes and nothing else; what the change means is the aggregate's decision.
 */
public final class ChangeTranslator {

    public static final String INVOICE_NUMBER = "InvoiceNumber";
    public static final String TRANSACTION_IDENTIFIER = "TransactionIdentifier";
    public static final String AMOUNT = "Amount";
    public static final String COUNTRY = "Trans_country";
    public static final String INVOICE_DATE = "Invoice_dt";
    public static final String INVOICE_DOC = "InvoiceDoc";

    /**
     * The partition key of the marker item that {@code bootstrap} writes and deletes to learn where the stream
     * stands (ADR 0017). It is no valid {@link InvoiceNumber}, so it can never be a user's invoice.
     */
    public static final String BOOTSTRAP_MARKER = "__invoice-streams-bootstrap__";

    /** The marker's {@code InvoiceNumber} in a table whose invoice numbers are numbers: no invoice number's shape. */
    public static final String BOOTSTRAP_MARKER_NUMBER = "-1212121212";

    private final Currency defaultCurrency;
    private final DocumentParser documentParser;
    private final CurrentItemReader currentItems;

    /**
     * @param defaultCurrency the currency of an amount written without symbol or code, and of DynamoDB numbers
     * @param documentParser  reads an {@code InvoiceDoc} stored as a JSON string
     * @param currentItems    reads the item for a write whose record has no new image
     */
    public ChangeTranslator(Currency defaultCurrency, DocumentParser documentParser, CurrentItemReader currentItems) {
        this.defaultCurrency = Objects.requireNonNull(defaultCurrency, "defaultCurrency");
        this.documentParser = Objects.requireNonNull(documentParser, "documentParser");
        this.currentItems = Objects.requireNonNull(currentItems, "currentItems");
    }

    public Translation translate(ObservedChange observed) {
        try {
            if (isBootstrapMarker(observed.keys().get(INVOICE_NUMBER))) {
                return new Translation.Ignored("the bootstrap's marker item");
            }
            InvoiceNumber invoice = new InvoiceNumber(key(observed.keys(), INVOICE_NUMBER));
            TransactionId transaction = new TransactionId(key(observed.keys(), TRANSACTION_IDENTIFIER));
            return switch (observed.kind()) {
                case CREATED, WRITTEN -> written(observed, invoice, transaction);
                case DELETED -> deleted(observed, invoice, transaction, DeletionCause.DELETED);
                case EXPIRED -> deleted(observed, invoice, transaction, DeletionCause.EXPIRED);
            };
        } catch (IllegalArgumentException e) {
            return new Translation.Unusable(e.getMessage());
        }
    }

    private Translation written(ObservedChange observed, InvoiceNumber invoice, TransactionId transaction) {
        ItemImage image = observed.newImage();
        if (image == null) {
            Optional<ItemImage> current = currentItems.read(invoice, transaction);
            if (current.isEmpty()) {
                return new Translation.Superseded("transaction " + transaction + " of invoice " + invoice
                        + " was written, then deleted before its record was read");
            }
            image = current.get();
        }
        return new Translation.Translated(invoice,
                new TransactionChange.Written(transaction, observed.identity(), details(image),
                        observed.kind() == ObservedChange.Kind.CREATED && !observed.identity().fromTableScan()));
    }

    private Translation deleted(ObservedChange observed, InvoiceNumber invoice, TransactionId transaction,
                                DeletionCause cause) {
        TransactionDetails lastImage = null;
        if (observed.oldImage() != null) {
            try {
                lastImage = details(observed.oldImage());
            } catch (IllegalArgumentException unreadable) {
                // The aggregate knows the values it recorded; an unreadable old image only loses a cross-check.
                lastImage = null;
            }
        }
        return new Translation.Translated(invoice,
                new TransactionChange.Deleted(transaction, observed.identity(), cause, lastImage));
    }

    /** Reads the non-key attributes of an item. */
    public TransactionDetails details(ItemImage image) {
        Money amount = amount(image.get(AMOUNT));
        CountryCode country = new CountryCode(text(image.get(COUNTRY), COUNTRY, true));
        String invoiceDate = text(image.get(INVOICE_DATE), INVOICE_DATE, false);
        return new TransactionDetails(amount, country, invoiceDate, document(image.get(INVOICE_DOC)));
    }

    private Money amount(DocumentValue value) {
        return switch (value) {
            case null -> throw new IllegalArgumentException("attribute Amount is missing");
            case DocumentValue.Text(String raw) -> Money.parse(raw, defaultCurrency);
            case DocumentValue.Number(java.math.BigDecimal number) -> {
                try {
                    yield Money.of(number, defaultCurrency);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Amount " + number.toPlainString() + " is not valid money: "
                            + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("attribute Amount must be a string or a number, not "
                    + shape(value));
        };
    }

    private InvoiceDocument document(DocumentValue value) {
        return switch (value) {
            case null -> InvoiceDocument.empty();
            case DocumentValue.Nothing ignored -> InvoiceDocument.empty();
            case DocumentValue.Fields fields -> new InvoiceDocument(fields);
            case DocumentValue.Text(String json) when json.isBlank() -> InvoiceDocument.empty();
            case DocumentValue.Text(String json) -> {
                try {
                    yield new InvoiceDocument(documentParser.parseObject(json));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("attribute InvoiceDoc '" + Texts.abbreviate(json)
                            + "' is not a JSON object: " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("attribute InvoiceDoc must be a map or a JSON string, not "
                    + shape(value));
        };
    }

    /** The {@code InvoiceNumber} of the item {@code bootstrap} writes to mark a point in the stream. */
    private static boolean isBootstrapMarker(DocumentValue invoiceNumber) {
        return switch (invoiceNumber) {
            case DocumentValue.Text(String text) -> text.equals(BOOTSTRAP_MARKER);
            case DocumentValue.Number(java.math.BigDecimal number) ->
                    number.compareTo(new java.math.BigDecimal(BOOTSTRAP_MARKER_NUMBER)) == 0;
            case null, default -> false;
        };
    }

    private static String key(ItemImage keys, String name) {
        return text(keys.get(name), "key attribute " + name, true);
    }

    private static String text(DocumentValue value, String name, boolean required) {
        return switch (value) {
            case DocumentValue.Text(String text) -> text;
            case DocumentValue.Number(java.math.BigDecimal number) -> number.toPlainString();
            case null -> {
                if (required) {
                    throw new IllegalArgumentException(name.startsWith("key") ? name + " is missing"
                            : "attribute " + name + " is missing");
                }
                yield null;
            }
            case DocumentValue.Nothing ignored when !required -> null;
            default -> throw new IllegalArgumentException(name + " must be a string, not " + shape(value));
        };
    }

    private static String shape(DocumentValue value) {
        return switch (value) {
            case DocumentValue.Text ignored -> "a string";
            case DocumentValue.Number ignored -> "a number";
            case DocumentValue.Flag ignored -> "a boolean";
            case DocumentValue.Nothing ignored -> "null";
            case DocumentValue.Items ignored -> "a list";
            case DocumentValue.Fields ignored -> "a map";
        };
    }
}
