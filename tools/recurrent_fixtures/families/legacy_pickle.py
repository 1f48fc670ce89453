"""Makes torch's legacy (non-ZIP) torch.save format reproducible byte for byte."""
import pickletools
import struct


def stable_legacy_keys(path, element_size):
    """The legacy format names storages by their memory addresses, so two runs write different bytes.
    Renames each key to the rank of its first use, zero-padded to the key's own length (so that the
    pickles keep their layout), and writes the key list and the storages in that order: the file is then
    the same on every run, and torch.load reads it as before."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    stops, position = [], 0
    for _ in range(5):
        for opcode, _, offset in pickletools.genops(bytes(data[position:])):
            if opcode.name == "STOP":
                stops.append(position + offset + 1)
                position = stops[-1]
                break
    keys = pickle_list_of_strings(bytes(data[stops[3]:stops[4]]))
    assert len({len(k) for k in keys}) <= 1, "storage keys of different lengths"
    used = [arg for opcode, arg, _ in pickletools.genops(bytes(data[stops[2]:stops[3]]))
            if opcode.name == "BINUNICODE" and arg in keys]
    first_use = list(dict.fromkeys(used))
    renamed = {key: str(first_use.index(key)).zfill(len(key)) for key in keys}
    objects = bytearray(data[stops[2]:stops[3]])
    for opcode, arg, offset in pickletools.genops(bytes(objects)):
        if opcode.name == "BINUNICODE" and arg in renamed:
            objects[offset + 5:offset + 5 + len(arg)] = renamed[arg].encode()
    key_list = bytearray(data[stops[3]:stops[4]])
    new_names = iter(sorted(renamed.values()))
    for opcode, arg, offset in pickletools.genops(bytes(key_list)):
        if opcode.name == "BINUNICODE":
            key_list[offset + 5:offset + 5 + len(arg)] = next(new_names).encode()
    blocks, position = {}, stops[4]
    for key in keys:
        count = struct.unpack("<q", bytes(data[position:position + 8]))[0]
        end = position + 8 + count * element_size
        blocks[renamed[key]] = bytes(data[position:end])
        position = end
    assert position == len(data)
    body = b"".join(blocks[name] for name in sorted(blocks))
    with open(path, "wb") as f:
        f.write(bytes(data[:stops[2]]) + bytes(objects) + bytes(key_list) + body)


def pickle_list_of_strings(data):
    """A pickled list of str, read with pickletools (no objects are built)."""
    return [arg for opcode, arg, _ in pickletools.genops(data) if opcode.name in ("BINUNICODE", "SHORT_BINUNICODE")]
