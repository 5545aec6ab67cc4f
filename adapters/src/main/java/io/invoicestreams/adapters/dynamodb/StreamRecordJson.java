package io.invoicestreams.adapters.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * A stream record in the JSON form DynamoDB Streams documents (as a Lambda receives it): what a parked record
 * keeps as its raw content, and the form of the recorded fixtures the tests feed through translation.
 */
public final class StreamRecordJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StreamRecordJson() {
    }

    public static String toJson(Record record) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("eventID", record.eventID());
        root.put("eventName", record.eventNameAsString());
        root.put("eventVersion", record.eventVersion());
        root.put("eventSource", record.eventSource());
        root.put("awsRegion", record.awsRegion());
        StreamRecord d = record.dynamodb();
        if (d != null) {
            ObjectNode dynamodb = root.putObject("dynamodb");
            if (d.approximateCreationDateTime() != null) {
                dynamodb.put("ApproximateCreationDateTime", d.approximateCreationDateTime().getEpochSecond());
            }
            if (d.hasKeys()) {
                dynamodb.set("Keys", item(d.keys()));
            }
            if (d.hasNewImage()) {
                dynamodb.set("NewImage", item(d.newImage()));
            }
            if (d.hasOldImage()) {
                dynamodb.set("OldImage", item(d.oldImage()));
            }
            dynamodb.put("SequenceNumber", d.sequenceNumber());
            if (d.sizeBytes() != null) {
                dynamodb.put("SizeBytes", d.sizeBytes());
            }
            dynamodb.put("StreamViewType", d.streamViewTypeAsString());
        }
        if (record.userIdentity() != null) {
            ObjectNode identity = root.putObject("userIdentity");
            identity.put("principalId", record.userIdentity().principalId());
            identity.put("type", record.userIdentity().type());
        }
        return root.toString();
    }

    public static Record fromJson(JsonNode root) {
        JsonNode d = root.path("dynamodb");
        StreamRecord.Builder stream = StreamRecord.builder()
                .sequenceNumber(text(d, "SequenceNumber"))
                .streamViewType(text(d, "StreamViewType"));
        if (d.has("ApproximateCreationDateTime")) {
            stream.approximateCreationDateTime(Instant.ofEpochSecond(d.get("ApproximateCreationDateTime").asLong()));
        }
        if (d.has("SizeBytes")) {
            stream.sizeBytes(d.get("SizeBytes").asLong());
        }
        if (d.has("Keys")) {
            stream.keys(item(d.get("Keys")));
        }
        if (d.has("NewImage")) {
            stream.newImage(item(d.get("NewImage")));
        }
        if (d.has("OldImage")) {
            stream.oldImage(item(d.get("OldImage")));
        }
        Record.Builder record = Record.builder()
                .eventID(text(root, "eventID"))
                .eventName(text(root, "eventName"))
                .eventVersion(text(root, "eventVersion"))
                .eventSource(text(root, "eventSource"))
                .awsRegion(text(root, "awsRegion"))
                .dynamodb(stream.build());
        if (root.has("userIdentity")) {
            record.userIdentity(Identity.builder().principalId(text(root.get("userIdentity"), "principalId"))
                    .type(text(root.get("userIdentity"), "type")).build());
        }
        return record.build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode node = MAPPER.createObjectNode();
        item.forEach((name, value) -> node.set(name, attribute(value)));
        return node;
    }

    private static JsonNode attribute(AttributeValue value) {
        ObjectNode node = MAPPER.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> {
                ArrayNode bs = node.putArray("BS");
                value.bs().forEach(b -> bs.add(Base64.getEncoder().encodeToString(b.asByteArray())));
            }
            case M -> node.set("M", item(value.m()));
            case L -> {
                ArrayNode l = node.putArray("L");
                value.l().forEach(v -> l.add(attribute(v)));
            }
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case UNKNOWN_TO_SDK_VERSION -> node.put("UNKNOWN", true);
        }
        return node;
    }

    /** An item in DynamoDB's JSON form ({@code {"Amount":{"S":"$100"}}}), as the stream and Kinesis records hold it. */
    public static Map<String, AttributeValue> image(JsonNode node) {
        return item(node);
    }

    private static Map<String, AttributeValue> item(JsonNode node) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> item.put(e.getKey(), attribute(e.getValue())));
        return item;
    }

    private static AttributeValue attribute(JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        if (!fields.hasNext()) {
            throw new IllegalArgumentException("an attribute value needs a type, such as {\"S\": \"…\"}");
        }
        Map.Entry<String, JsonNode> typed = fields.next();
        JsonNode v = typed.getValue();
        return switch (typed.getKey()) {
            case "S" -> AttributeValue.fromS(v.asText());
            case "N" -> AttributeValue.fromN(v.asText());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
            case "SS" -> AttributeValue.fromSs(texts(v));
            case "NS" -> AttributeValue.fromNs(texts(v));
            case "M" -> AttributeValue.fromM(item(v));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                v.forEach(e -> l.add(attribute(e)));
                yield AttributeValue.fromL(l);
            }
            case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            default -> throw new IllegalArgumentException("unknown attribute type " + typed.getKey());
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }
}
