package org.loralab.engine.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The classic merges of N LoRA adapters with weights w_i, module by module. s_i is adapter i's
 * scaling (alpha/r); every result has scaling 1 (PEFT sets lora_alpha = r for merged adapters).
 *
 * <ul>
 *   <li>{@code cat}: A = [w_1 s_1 A_1; …; w_N s_N A_N], B = [B_1 … B_N]; so B A = Σ w_i s_i B_i A_i
 *       exactly, at rank Σ r_i. As PEFT.</li>
 *   <li>{@code linear}, {@code ties}, {@code dare_linear}, {@code dare_ties}, {@code magnitude_prune}:
 *       as PEFT, the A's and the B's are combined separately with weights v_i = sqrt(w_i s_i), so
 *       the product holds cross terms B_i A_j; equal ranks and non-negative weights are required.
 *       linear: Σ v_i X_i. magnitude_prune: keep the density·n largest |x| of each X_i, then Σ v_i X_i.
 *       ties: the same trim, elect per entry the sign of Σ_i X_i (or of the count of signs), then
 *       average the weighted entries that agree with it. dare_linear / dare_ties: drop each entry
 *       with probability 1 - density (seeded), rescale survivors by 1/density as PEFT >= 0.19.0
 *       does (older PEFT discarded the rescale; {@link MergeSettings#dareRescale()} false
 *       reproduces it), then linear / ties.</li>
 *   <li>{@code svd}: ΔW = Σ w_i s_i B_i A_i truncated to rank k by SVD: B = U_k S_k, A = V_kᵀ.
 *       PEFT multiplies each adapter's already-scaled ΔW by s_i again; we do not, so svd and cat
 *       agree whenever k ≥ Σ r_i.</li>
 * </ul>
 * Modules an adapter does not adapt contribute zero. Results are deterministic for a seed.
 */
public final class ClassicMerge {

    private ClassicMerge() {
    }

    /** @param adapters per adapter, its modules by path */
    public static Map<String, LowRank> merge(List<Map<String, LowRank>> adapters, MergeSettings s) {
        if (adapters.size() != s.weights().length) {
            throw new IllegalArgumentException(adapters.size() + " adapters but " + s.weights().length + " weights");
        }
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("no adapters to merge");
        }
        LinkedHashSet<String> modules = new LinkedHashSet<>();
        adapters.forEach(a -> modules.addAll(a.keySet()));
        int[] ranks = adapters.stream().mapToInt(a -> a.values().iterator().next().r()).toArray();
        if (s.method().needsEqualRanks()) {
            if (Arrays.stream(ranks).distinct().count() > 1) {
                throw new IllegalArgumentException(s.method().peftName() + " merging needs adapters of one rank, got ranks "
                        + Arrays.toString(ranks) + "; use cat or svd");
            }
            for (double w : s.weights()) {
                if (w < 0) {
                    throw new IllegalArgumentException(s.method().peftName() + " combines A and B with sqrt(weight × scaling), "
                            + "so weights must not be negative (got " + w + "); use cat or svd for negative weights");
                }
            }
        }
        Map<String, LowRank> out = new LinkedHashMap<>();
        int moduleIndex = 0;
        for (String module : modules) {
            List<LowRank> parts = new ArrayList<>();
            int in = -1;
            int outF = -1;
            for (Map<String, LowRank> a : adapters) {
                LowRank p = a.get(module);
                parts.add(p);
                if (p != null) {
                    if (in >= 0 && (p.in() != in || p.out() != outF)) {
                        throw new IllegalArgumentException(module + ": adapters disagree on its shape (" + in + "→" + outF
                                + " vs " + p.in() + "→" + p.out() + "); they were made for different base models");
                    }
                    in = p.in();
                    outF = p.out();
                }
            }
            out.put(module, switch (s.method()) {
                case CAT -> cat(parts, s.weights(), ranks, in, outF);
                case SVD -> svd(parts, s.weights(), svdRank(s.svdRank(), ranks, module, in, outF), in, outF);
                default -> factorwise(parts, s, ranks[0], in, outF, moduleIndex);
            });
            moduleIndex++;
        }
        return out;
    }

    private static LowRank cat(List<LowRank> parts, double[] w, int[] ranks, int in, int out) {
        int total = Arrays.stream(ranks).sum();
        double[] a = new double[total * in];
        double[] b = new double[out * total];
        int offset = 0;
        for (int i = 0; i < parts.size(); i++) {
            LowRank p = parts.get(i);
            if (p != null) {
                double f = w[i] * p.scaling();
                for (int k = 0; k < p.r(); k++) {
                    for (int x = 0; x < in; x++) {
                        a[(offset + k) * in + x] = f * p.a()[k * in + x];
                    }
                    for (int o = 0; o < out; o++) {
                        b[o * total + offset + k] = p.b()[o * p.r() + k];
                    }
                }
            }
            offset += ranks[i];
        }
        return new LowRank(total, in, out, a, b, 1.0);
    }

    /** Truncated SVD of Σ w_i s_i B_i A_i without forming it: thin QR of the stacked factors, SVD of the small core. */
    static LowRank svd(List<LowRank> parts, double[] w, int rank, int in, int out) {
        List<LowRank> present = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i) != null) {
                present.add(parts.get(i));
                weights.add(w[i]);
            }
        }
        LowRank cat = cat(present, weights.stream().mapToDouble(Double::doubleValue).toArray(),
                present.stream().mapToInt(LowRank::r).toArray(), in, out);
        int total = cat.r();
        double[][] bCols = new double[total][out]; // columns of B_cat
        double[][] aCols = new double[total][in]; // columns of A_catᵀ
        for (int k = 0; k < total; k++) {
            for (int o = 0; o < out; o++) {
                bCols[k][o] = cat.b()[o * total + k];
            }
            System.arraycopy(cat.a(), k * in, aCols[k], 0, in);
        }
        double[][] r1 = thinQr(bCols); // bCols now hold Q1's columns
        double[][] r2 = thinQr(aCols);
        RealMatrix core = new Array2DRowRealMatrix(r1).multiply(new Array2DRowRealMatrix(r2).transpose());
        SingularValueDecomposition svd = new SingularValueDecomposition(core);
        RealMatrix u = svd.getU();
        RealMatrix v = svd.getV();
        double[] sv = svd.getSingularValues();
        int k = Math.min(rank, sv.length);
        double[] a = new double[rank * in];
        double[] b = new double[out * rank];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < total; j++) {
                double uj = u.getEntry(j, c) * sv[c];
                double vj = v.getEntry(j, c);
                for (int o = 0; o < out; o++) {
                    b[o * rank + c] += bCols[j][o] * uj;
                }
                for (int x = 0; x < in; x++) {
                    a[c * in + x] += aCols[j][x] * vj;
                }
            }
        }
        return new LowRank(rank, in, out, a, b, 1.0);
    }

    /**
     * Thin QR by modified Gram-Schmidt with one re-orthogonalisation pass: replaces the columns
     * with orthonormal Q columns (zero for dependent ones) and returns R (cols × cols).
     */
    static double[][] thinQr(double[][] cols) {
        int n = cols.length;
        double[][] r = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] c = cols[j];
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < j; i++) {
                    double dot = 0;
                    for (int x = 0; x < c.length; x++) {
                        dot += cols[i][x] * c[x];
                    }
                    r[i][j] += dot;
                    for (int x = 0; x < c.length; x++) {
                        c[x] -= dot * cols[i][x];
                    }
                }
            }
            double norm = 0;
            for (double value : c) {
                norm += value * value;
            }
            norm = Math.sqrt(norm);
            r[j][j] = norm;
            for (int x = 0; x < c.length; x++) {
                c[x] = norm > 1e-12 ? c[x] / norm : 0;
            }
        }
        return r;
    }

    private static LowRank factorwise(List<LowRank> parts, MergeSettings s, int r, int in, int out, int moduleIndex) {
        List<double[]> as = new ArrayList<>();
        List<double[]> bs = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            LowRank p = parts.get(i);
            if (p != null) {
                as.add(p.a());
                bs.add(p.b());
                v.add(Math.sqrt(s.weights()[i] * p.scaling()));
            }
        }
        double[] weights = v.stream().mapToDouble(Double::doubleValue).toArray();
        double[] a = combine(as, weights, s, new SplittableRandom(s.seed() * 1_000_003L + moduleIndex * 2L));
        double[] b = combine(bs, weights, s, new SplittableRandom(s.seed() * 1_000_003L + moduleIndex * 2L + 1));
        return new LowRank(r, in, out, a, b, 1.0);
    }

    /** PEFT's merge_utils on one factor: task arithmetic, magnitude prune, TIES, DARE. */
    static double[] combine(List<double[]> xs, double[] v, MergeSettings s, SplittableRandom random) {
        int n = xs.get(0).length;
        List<double[]> pruned = new ArrayList<>();
        for (double[] x : xs) {
            pruned.add(switch (s.method()) {
                case TIES, MAGNITUDE_PRUNE -> magnitudePrune(x, s.density());
                case DARE_LINEAR, DARE_TIES -> randomPrune(x, s.density(), s.dareRescale(), random);
                default -> x;
            });
        }
        double[] out = new double[n];
        boolean ties = s.method() == MergeMethod.TIES || s.method() == MergeMethod.DARE_TIES;
        for (int e = 0; e < n; e++) {
            if (!ties) {
                double sum = 0;
                for (int i = 0; i < pruned.size(); i++) {
                    sum += v[i] * pruned.get(i)[e];
                }
                out[e] = sum;
                continue;
            }
            double mass = 0;
            for (double[] p : pruned) {
                mass += s.signByFrequency() ? Math.signum(p[e]) : p[e];
            }
            double majority = mass >= 0 ? 1 : -1;
            double sum = 0;
            int agreeing = 0;
            for (int i = 0; i < pruned.size(); i++) {
                if (Math.signum(pruned.get(i)[e]) == majority) {
                    sum += v[i] * pruned.get(i)[e];
                    agreeing++;
                }
            }
            out[e] = sum / Math.max(agreeing, 1);
        }
        return out;
    }

    /** Keeps the floor(density·n) entries of largest magnitude (earlier index first on ties). */
    static double[] magnitudePrune(double[] x, double density) {
        if (density >= 1) {
            return x;
        }
        int k = (int) (density * x.length);
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> {
            int c = Double.compare(Math.abs(x[q]), Math.abs(x[p]));
            return c != 0 ? c : Integer.compare(p, q);
        });
        double[] out = new double[x.length];
        for (int i = 0; i < k; i++) {
            out[order[i]] = x[order[i]];
        }
        return out;
    }

    static double[] randomPrune(double[] x, double density, boolean rescale, SplittableRandom random) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (random.nextDouble() < density) {
                out[i] = rescale ? x[i] / density : x[i];
            }
        }
        return out;
    }

    /** The SVD merge's rank: the bank's largest by default; never beyond the layer's smaller side (that only costs memory). */
    private static int svdRank(int asked, int[] ranks, String module, long in, long out) {
        int r = asked > 0 ? asked : Arrays.stream(ranks).max().orElseThrow();
        if (r > Math.min(in, out)) {
            throw new IllegalArgumentException("svd rank " + r + " exceeds the " + in + "→" + out + " shape of " + module
                    + "; choose at most " + Math.min(in, out));
        }
        return r;
    }
}
