import pytest

from ingest.topics import DeviceKind, DeviceTopic, TopicError, parse_topic, subscription_filter

PREFIX = "heatscore/v1"


def test_parse_room_topic():
    topic = parse_topic("heatscore/v1/U01/U01-S01/room/T-0001", PREFIX)

    assert topic == DeviceTopic("U01", "U01-S01", DeviceKind.ROOM, "T-0001")


def test_render_round_trip():
    topic = DeviceTopic("U02", "S.7", DeviceKind.METER, "M_9")

    assert parse_topic(topic.render(PREFIX), PREFIX) == topic


@pytest.mark.parametrize(
    ("topic", "fragment"),
    [
        ("other/v1/U01/S01/room/T1", "前缀"),
        ("heatscore/v1/U01/S01/room", "层级数"),
        ("heatscore/v1/U01/S01/room/T1/extra", "层级数"),
        ("heatscore/v1/U01/S01/boiler/T1", "设备类型 'boiler' 未知"),
        ("heatscore/v1/U 01/S01/room/T1", "供热单位 'U 01' 无效"),
        ("heatscore/v1/U01//room/T1", "热力站 '' 无效"),
        ("heatscore/v1/U01/S01/room/" + "x" * 65, "设备编号"),
    ],
)
def test_malformed_topics_rejected(topic, fragment):
    with pytest.raises(TopicError, match=fragment):
        parse_topic(topic, PREFIX)


def test_subscription_filter_plain_and_shared():
    assert subscription_filter(PREFIX) == "heatscore/v1/#"
    assert subscription_filter(PREFIX, "ingest") == "$share/ingest/heatscore/v1/#"
