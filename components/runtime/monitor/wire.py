"""gVisor seccheck wire format, decoded with the standard library only.

A sandbox's remote sink sends one SOCK_SEQPACKET message per point: an 8-byte little-endian
header (header size, message type, dropped-point count) and a protobuf payload whose schema is
gVisor's pkg/sentry/seccheck/points/*.proto. Only the messages the detections use are decoded;
field numbers below are those protos'. The image carries no protobuf runtime, and the wire
format of the handful of scalar, string and nested fields used here is small enough to read by
hand (tests drive it with gVisor's own sink and generated messages).
"""
import ipaddress
import struct

HEADER = struct.Struct("<HHI")
CURRENT_VERSION = 1

# pb.MessageType values (common.proto).
CONTAINER_START = 1
SENTRY_EXEC = 3
SYSCALL_OPEN = 7
SYSCALL_CONNECT = 10
SYSCALL_SETID = 14
SYSCALL_SETRESID = 15

AT_FDCWD = -100
AF_INET = 2
AF_INET6 = 10
EINPROGRESS = 115


class WireError(ValueError):
    pass


def _varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise WireError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError("varint too long")


def fields(buf):
    """Field number -> list of raw values (ints for varints, bytes for length-delimited)."""
    out = {}
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, kind = key >> 3, key & 7
        if kind == 0:
            value, pos = _varint(buf, pos)
        elif kind == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise WireError("truncated field %d" % number)
            value, pos = bytes(buf[pos:pos + size]), pos + size
        elif kind == 1:
            value, pos = int.from_bytes(buf[pos:pos + 8], "little"), pos + 8
        elif kind == 5:
            value, pos = int.from_bytes(buf[pos:pos + 4], "little"), pos + 4
        else:
            raise WireError("unsupported wire type %d" % kind)
        out.setdefault(number, []).append(value)
    return out


def _int(f, number, bits=64):
    value = f.get(number, [0])[-1]
    # int32/int64 are two's complement varints; negatives arrive as 64-bit values.
    value &= (1 << 64) - 1
    if value >= 1 << 63:
        value -= 1 << 64
    if bits == 32:
        value = ((value + (1 << 31)) % (1 << 32)) - (1 << 31)
    return value


def _uint(f, number):
    return f.get(number, [0])[-1]


def _str(f, number):
    return f.get(number, [b""])[-1].decode("utf-8", "replace")


def _strs(f, number):
    return [v.decode("utf-8", "replace") for v in f.get(number, [])]


def _msg(f, number):
    raw = f.get(number)
    return fields(raw[-1]) if raw else {}


def handshake(version=CURRENT_VERSION):
    """Handshake{version} as the monitor's reply."""
    return bytes([0x08, version])


def handshake_version(buf):
    return _uint(fields(buf), 1)


def context(f):
    """ContextData (common.proto) of a point, as the detections name its parts."""
    c = _msg(f, 1)
    creds = _msg(c, 7) if 7 in c else None
    return {
        "time_ns": _int(c, 1),
        "tid": _int(c, 2, 32),
        "pid": _int(c, 4, 32),
        "container_id": _str(c, 6),
        "uid": _uint(creds, 2) if creds is not None else None,
        "cwd": _str(c, 8),
        "comm": _str(c, 9),
        "ppid": _int(c, 10, 32),
        "exec_session": bool(_uint(c, 11)),
    }


def _exit(f):
    e = _msg(f, 2)
    return _int(e, 1), _int(e, 2)


def sockaddr(raw):
    """(family, ip, port) of a struct sockaddr_in/in6, or (family, None, None)."""
    if len(raw) < 2:
        return None, None, None
    family = int.from_bytes(raw[0:2], "little")
    if family == AF_INET and len(raw) >= 8:
        return family, ".".join(str(b) for b in raw[4:8]), int.from_bytes(raw[2:4], "big")
    if family == AF_INET6 and len(raw) >= 24:
        return family, str(ipaddress.IPv6Address(bytes(raw[8:24]))), int.from_bytes(raw[2:4], "big")
    return family, None, None


def decode(message_type, payload):
    """A point as a dict with a 'type' key, or None for messages the detections do not use."""
    f = fields(payload)
    if message_type == CONTAINER_START:
        return {"type": "start", **context(f), "id": _str(f, 2), "start_cwd": _str(f, 3),
                "args": _strs(f, 4), "env": _strs(f, 5)}
    if message_type == SENTRY_EXEC:
        return {"type": "exec", **context(f), "binary": _str(f, 2), "argv": _strs(f, 3)}
    if message_type == SYSCALL_OPEN:
        result, errno = _exit(f)
        return {"type": "open", **context(f), "result": result, "errno": errno, "fd": _int(f, 4),
                "fd_path": _str(f, 5), "path": _str(f, 6), "flags": _uint(f, 7)}
    if message_type == SYSCALL_CONNECT:
        result, errno = _exit(f)
        family, ip, port = sockaddr(f.get(6, [b""])[-1])
        return {"type": "connect", **context(f), "result": result, "errno": errno,
                "family": family, "ip": ip, "port": port}
    if message_type == SYSCALL_SETID:
        result, errno = _exit(f)
        return {"type": "setid", **context(f), "result": result, "errno": errno, "sysno": _uint(f, 3),
                "ids": [_uint(f, 4)]}
    if message_type == SYSCALL_SETRESID:
        result, errno = _exit(f)
        return {"type": "setid", **context(f), "result": result, "errno": errno, "sysno": _uint(f, 3),
                "ids": [_uint(f, n) for n in (4, 5, 6)]}
    return None
