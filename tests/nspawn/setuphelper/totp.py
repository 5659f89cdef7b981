#!/usr/bin/python3
# totp.py SECRET [OFFSET_SECONDS]: the RFC 6238 code (SHA-1, 30 s, 6 digits).
import base64, hashlib, hmac, struct, sys, time
secret = sys.argv[1]
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
step = int((time.time() + float(sys.argv[2] if len(sys.argv) > 2 else 0)) // 30)
mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
off = mac[-1] & 0x0F
print("%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000))
