package org.loralab.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.Bf16;
import org.loralab.engine.model.LinearLayer;

/**
 * One linear layer's LoRA update when each batch row may use another adapter (or none): the
 * mixed-batch forward of PEFT ({@code adapter_names}) and S-LoRA. Nothing is merged into the base
 * weight. Two ways, chosen by {@link RowAdapters.Mode}:
 * <ul>
 * <li>GROUPED, as PEFT's {@code _mixed_batch_forward}: the rows of each adapter are gathered and go
 * through that adapter's own module (any rank, alpha, LoRA-TRF gate), the updates are put back in
 * row order, rows without an update get zeros;</li>
 * <li>PADDED, as S-LoRA/Punica's batched gather: every adapter's A and B, zero-padded to the largest
 * rank with the scaling folded into B, are stacked once; each row's pair is gathered and applied
 * with two batched matrix products. Modules with a gate fall back to GROUPED.</li>
 * </ul>
 */
final class MixedLoraModule implements LinearLayer.Adapter {

    private final String modulePath;
    private final LoraModule[] modules; // per adapter index; null where that adapter does not adapt this layer
    private final RowAdapters rows;
    private final long outFeatures;
    private NDArray stackedA; // (adapters + 1, rMax, in), slot 0 all zeros (base rows); null unless padded
    private NDArray stackedB; // (adapters + 1, out, rMax), scaled

    MixedLoraModule(String modulePath, LoraModule[] modules, RowAdapters rows, long outFeatures) {
        this.modulePath = modulePath;
        this.modules = modules;
        this.rows = rows;
        this.outFeatures = outFeatures;
    }

    /** Stacks the padded A and B (in {@code rows}' manager); false when a module has a gate, which only GROUPED can apply. */
    boolean stack(ai.djl.ndarray.NDManager manager, long inFeatures) {
        int rMax = 0;
        for (LoraModule m : modules) {
            if (m != null && m.filter() != null) {
                return false;
            }
            rMax = Math.max(rMax, m == null ? 0 : m.rank());
        }
        NDArray a = manager.zeros(new Shape(modules.length + 1, rMax, inFeatures), DataType.FLOAT32);
        NDArray b = manager.zeros(new Shape(modules.length + 1, outFeatures, rMax), DataType.FLOAT32);
        for (int k = 0; k < modules.length; k++) {
            LoraModule m = modules[k];
            if (m != null) {
                int r = m.rank();
                a.set(new ai.djl.ndarray.index.NDIndex("{}, :{}, :", k + 1, r), m.a());
                try (NDArray scaled = m.b().mul(m.scaling())) {
                    b.set(new ai.djl.ndarray.index.NDIndex("{}, :, :{}", k + 1, r), scaled);
                }
            }
        }
        stackedA = a;
        stackedB = b;
        return true;
    }

    @Override
    public NDArray delta(NDArray x) {
        int[] of = rows.rows();
        Shape s = x.getShape();
        // The model may flatten (batch, positions, in) to (batch * positions, in): rows stay contiguous.
        long lead = s.size() / s.getLastDimension();
        if (of.length == 0 || lead % of.length != 0) {
            throw new IllegalStateException(modulePath + ": input " + s + " does not match the " + of.length
                    + " batch rows whose adapters were chosen");
        }
        NDArray rowsFirst = s.dimension() == 3 ? x : x.reshape(of.length, lead / of.length, s.getLastDimension());
        NDArray out = stackedA != null ? padded(rowsFirst, of) : grouped(rowsFirst, of);
        return s.dimension() == 3 ? out : out.reshape(s.slice(0, s.dimension() - 1).add(outFeatures));
    }

    private NDArray padded(NDArray x, int[] of) {
        long[] slot = new long[of.length];
        for (int i = 0; i < of.length; i++) {
            slot[i] = of[i] < 0 || modules[of[i]] == null ? 0 : of[i] + 1;
        }
        NDArray index = x.getManager().create(slot);
        NDArray a = stackedA.get(index); // (b, rMax, in)
        NDArray bRows = stackedB.get(index); // (b, out, rMax)
        NDArray in = Autograd.cast(x, DataType.FLOAT32);
        NDArray z = in.matMul(a.transpose(0, 2, 1)); // (b, s, rMax)
        NDArray out = z.matMul(bRows.transpose(0, 2, 1)); // (b, s, out)
        return Bf16.cast(out, Bf16.dtypeOf(x));
    }

    private NDArray grouped(NDArray x, int[] of) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int k = 0; k < modules.length; k++) {
            groups.add(new ArrayList<>());
        }
        List<Integer> none = new ArrayList<>();
        for (int i = 0; i < of.length; i++) {
            (of[i] < 0 || modules[of[i]] == null ? none : groups.get(of[i])).add(i);
        }
        Shape s = x.getShape();
        for (int k = 0; k < modules.length; k++) {
            if (groups.get(k).size() == of.length) {
                return modules[k].delta(x); // one adapter for the whole batch: no gather
            }
        }
        if (none.size() == of.length) {
            return Bf16.zeros(new Shape(s.get(0), s.get(1), outFeatures), x);
        }
        NDList parts = new NDList();
        long[] order = new long[of.length]; // order[j]: the batch row of the j-th row of the concatenation
        int j = 0;
        for (int k = 0; k < modules.length; k++) {
            if (groups.get(k).isEmpty()) {
                continue;
            }
            for (int row : groups.get(k)) {
                order[j++] = row;
            }
            NDArray sub = x.get(x.getManager().create(groups.get(k).stream().mapToLong(Integer::longValue).toArray()));
            parts.add(modules[k].delta(sub));
        }
        if (!none.isEmpty()) {
            for (int row : none) {
                order[j++] = row;
            }
            parts.add(Bf16.zeros(new Shape(none.size(), s.get(1), outFeatures), x));
        }
        long[] inverse = new long[of.length];
        for (int p = 0; p < order.length; p++) {
            inverse[(int) order[p]] = p;
        }
        return NDArrays.concat(parts, 0).get(x.getManager().create(inverse));
    }

    void close() {
        if (stackedA != null) {
            stackedA.close();
            stackedB.close();
        }
    }
}
