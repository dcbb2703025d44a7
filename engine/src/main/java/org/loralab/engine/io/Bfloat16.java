package org.loralab.engine.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * bfloat16 is the upper half of an IEEE float32. Converted in Java where a bf16 checkpoint is read
 * as float32 (or float32 written as bf16): DJL 0.35.1's PyTorch JNI aborts the JVM on any call that
 * passes the bf16 dtype (see model.Bf16, which keeps bf16 weights bf16). Widening is exact,
 * narrowing rounds to nearest even as torch does.
 */
public final class Bfloat16 {

    private Bfloat16() {}

    /** Widens little-endian bf16 values to a direct little-endian float32 buffer. */
    public static ByteBuffer toFloat32(ByteBuffer bf16, long count) {
        ByteBuffer src = bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            int bits = (src.getShort() & 0xFFFF) << 16;
            out.putInt(bits);
        }
        out.flip();
        return out;
    }

    /** Narrows float32 values to little-endian bf16 bytes, rounding to nearest even; NaN stays NaN. */
    public static byte[] fromFloat32(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putShort(round(v));
        }
        return out.array();
    }

    static short round(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }
}
