using VaeSharp.Engine.Diagnostics;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Autograd;

// Define-by-run reverse mode. Each op's output remembers its inputs (In0..In2 or Inputs) and a
// backward function that reads output.Grad and adds into the inputs' gradients. Backward sorts
// the graph reachable from the loss topologically (iterative DFS, no recursion limit) and runs the
// backward functions in reverse order. The graph is kept, so calling Backward twice accumulates twice.
internal static class AutogradEngine
{
    [ThreadStatic] private static List<Tensor>? _order;
    [ThreadStatic] private static List<Tensor>? _stack;
    [ThreadStatic] private static List<int>? _next;
    private static int _epoch;

    public static void Backward(Tensor root)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward() was called on a tensor that does not require gradients: no input with RequiresGrad = true was used to compute it (or it was computed under GradMode.NoGrad()).");
        if (root.Size != 1)
            throw new InvalidOperationException($"Backward() needs a scalar; this tensor has shape {ShapeUtil.Format(root.Shape)}. Reduce it first (Sum or Mean).");

        var order = _order ??= new List<Tensor>(256);
        var stack = _stack ??= new List<Tensor>(256);
        var next = _next ??= new List<int>(256);
        int epoch = Interlocked.Increment(ref _epoch);

        // Post-order DFS: a tensor is appended after all of its inputs.
        root.VisitEpoch = epoch;
        stack.Add(root); next.Add(0);
        while (stack.Count > 0)
        {
            int top = stack.Count - 1;
            var t = stack[top];
            int k = next[top];
            Tensor? child = InputAt(t, k);
            if (k < InputCount(t))
            {
                next[top] = k + 1;
                if (child is not null && child.RequiresGrad && child.VisitEpoch != epoch)
                {
                    child.VisitEpoch = epoch;
                    stack.Add(child); next.Add(0);
                }
            }
            else
            {
                order.Add(t);
                stack.RemoveAt(top); next.RemoveAt(top);
            }
        }

        root.GradSpan()[0] += 1f;
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (t.BackwardFn is not null && t.Grad is not null)
            {
                if (OpProfiler.Enabled) ProfiledBackward(t);
                else t.BackwardFn(t);
            }
        }
        order.Clear();
    }

    // Books a backward function's time (less its GEMMs) under its op; bytes estimated as the output's value and gradient
    // read and each input's value read and gradient read and written.
    private static void ProfiledBackward(Tensor t)
    {
        long started = OpProfiler.Begin();
        t.BackwardFn!(t);
        double elements = 2.0 * t.Size;
        for (int k = 0; k < InputCount(t); k++) if (InputAt(t, k) is { } input) elements += 3.0 * input.Size;
        OpProfiler.End(started, ProfileKind.Backward, Ops.ProfileName(t.BackwardFn, t), bytes: 4 * elements);
    }

    private static int InputCount(Tensor t) => t.Inputs?.Length ?? 3;

    private static Tensor? InputAt(Tensor t, int k)
    {
        if (t.Inputs is { } inputs) return k < inputs.Length ? inputs[k] : null;
        return k switch { 0 => t.In0, 1 => t.In1, 2 => t.In2, _ => null };
    }

    /// <summary>Records <paramref name="output"/> as produced by an op when grad mode is on and an input needs gradients.</summary>
    public static bool Record(Tensor output, Action<Tensor> backward, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        if (OpProfiler.Enabled) OpProfiler.MarkForward(Ops.ProfileName(backward, output), 4.0 * ((double)output.Size + a.Size + (b?.Size ?? 0) + (c?.Size ?? 0)));
        if (!GradMode.IsEnabled) return false;
        if (!a.RequiresGrad && !(b?.RequiresGrad ?? false) && !(c?.RequiresGrad ?? false)) return false;
        output.RequiresGrad = true;
        output.BackwardFn = backward;
        output.In0 = a; output.In1 = b; output.In2 = c;
        return true;
    }

    /// <summary>Records an op with any number of inputs.</summary>
    public static bool Record(Tensor output, Action<Tensor> backward, Tensor[] inputs)
    {
        if (OpProfiler.Enabled)
        {
            double elements = output.Size;
            foreach (var t in inputs) elements += t.Size;
            OpProfiler.MarkForward(Ops.ProfileName(backward, output), 4 * elements);
        }
        if (!GradMode.IsEnabled) return false;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return false;
        output.RequiresGrad = true;
        output.BackwardFn = backward;
        output.Inputs = inputs;
        return true;
    }
}
