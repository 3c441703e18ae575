#!/usr/bin/python3
"""An HPACK peer for HpackDifferentialTest, built on Debian's python3-hpack (a reference implementation
that no one on this project wrote).

It keeps one Encoder and one Decoder, like the two directions of one connection, and answers one JSON
object per input line, on one output line. Strings travel as hex so that any octet survives.

  {"op": "decode", "block": HEX}                       -> {"fields": [[NAME_HEX, VALUE_HEX, never_indexed], ...]}
  {"op": "encode", "fields": [[NAME_HEX, VALUE_HEX, sensitive], ...], "huffman": bool} -> {"block": HEX}
  {"op": "encoder_table_size", "size": N}              -> {}   (the size update goes in the next block)
  {"op": "decoder_max_table_size", "size": N}          -> {}   (our SETTINGS_HEADER_TABLE_SIZE)

Any error is answered as {"error": "..."}.
"""
import json
import sys

from hpack import Decoder, Encoder, HeaderTuple, NeverIndexedHeaderTuple

encoder = Encoder()
decoder = Decoder()


def handle(req):
    op = req["op"]
    if op == "decode":
        headers = decoder.decode(bytes.fromhex(req["block"]), raw=True)
        return {"fields": [[bytes(h[0]).hex(), bytes(h[1]).hex(), not h.indexable] for h in headers]}
    if op == "encode":
        headers = []
        for name, value, sensitive in req["fields"]:
            kind = NeverIndexedHeaderTuple if sensitive else HeaderTuple
            headers.append(kind(bytes.fromhex(name), bytes.fromhex(value)))
        return {"block": encoder.encode(headers, huffman=req["huffman"]).hex()}
    if op == "encoder_table_size":
        encoder.header_table_size = req["size"]
        return {}
    if op == "decoder_max_table_size":
        decoder.max_allowed_table_size = req["size"]
        return {}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    try:
        answer = handle(json.loads(line))
    except Exception as e:  # report, keep serving: the test names the list that failed
        answer = {"error": type(e).__name__ + ": " + str(e)}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
