using System.Globalization;

namespace DeepVis.Optim.Objectives;

/// <summary>What an objective term reads off a layer, before the network resolves it.</summary>
public abstract record ObjectiveTerm(string Layer)
{
    /// <summary>The mean of one channel of a feature map (or one unit of a vector layer: a class logit on the logits layer).</summary>
    public sealed record Channel(string Layer, int Index) : ObjectiveTerm(Layer)
    {
        public override string ToString() => $"{Layer}:{Index}";
    }

    /// <summary>One channel at the centre position (row H/2, column W/2, as Lucid's neuron).</summary>
    public sealed record Neuron(string Layer, int Index) : ObjectiveTerm(Layer)
    {
        public override string ToString() => $"neuron({Layer}:{Index})";
    }

    /// <summary>
    /// The mean over positions of the dot product of the channel vector with a direction read from a
    /// file, times max(0.1, cosine)^<paramref name="CosinePower"/> when that is not 0 (Lucid's direction with cossim_pow).
    /// </summary>
    public sealed record Direction(string Layer, string File, double CosinePower = 0) : ObjectiveTerm(Layer)
    {
        public override string ToString() =>
            CosinePower == 0 ? $"direction({Layer}, {File})" : $"direction({Layer}, {File}, {CosinePower.ToString("G6", CultureInfo.InvariantCulture)})";
    }

    /// <summary>Lucid's diversity: the summed cosine similarity of the batch's Gram matrices at the layer (to be subtracted).</summary>
    public sealed record Diversity(string Layer) : ObjectiveTerm(Layer)
    {
        public override string ToString() => $"diversity({Layer})";
    }

    /// <summary>DeepDream's 0.5 ||activation||^2.</summary>
    public sealed record DeepDream(string Layer) : ObjectiveTerm(Layer)
    {
        public override string ToString() => $"dream({Layer})";
    }
}

/// <summary>A term with its weight and, optionally, the one batch image it applies to.</summary>
public sealed record WeightedTerm(double Weight, ObjectiveTerm Term, int? Batch = null)
{
    public override string ToString()
    {
        var text = Term + (Batch is { } b ? $"@{b}" : "");
        return Weight == 1 ? text : $"{Weight.ToString("G6", CultureInfo.InvariantCulture)}*{text}";
    }
}

/// <summary>
/// Something to maximize, as Lucid's objectives: a weighted sum of terms built with +, -, scalar * and
/// <see cref="At"/> (one batch image), e.g. <c>Channel("layer3.1", 12) + 0.5 * Channel("layer4.0", 7) - 100 * Diversity("layer3.1")</c>.
/// A value: combining makes a new one.
/// </summary>
public sealed record Objective(IReadOnlyList<WeightedTerm> Terms)
{
    public static Objective Of(ObjectiveTerm term) => new([new WeightedTerm(1, term)]);

    public static Objective Channel(string layer, int index) => Of(new ObjectiveTerm.Channel(layer, index));

    public static Objective Neuron(string layer, int index) => Of(new ObjectiveTerm.Neuron(layer, index));

    public static Objective Direction(string layer, string file, double cosinePower = 0) => Of(new ObjectiveTerm.Direction(layer, file, cosinePower));

    public static Objective Diversity(string layer) => Of(new ObjectiveTerm.Diversity(layer));

    public static Objective DeepDream(string layer) => Of(new ObjectiveTerm.DeepDream(layer));

    public static Objective operator +(Objective a, Objective b) => new([.. a.Terms, .. b.Terms]);

    public static Objective operator -(Objective a, Objective b) => a + -b;

    public static Objective operator -(Objective a) => a * -1;

    public static Objective operator *(double w, Objective a) => a * w;

    public static Objective operator *(Objective a, double w) => new([.. a.Terms.Select(t => t with { Weight = t.Weight * w })]);

    /// <summary>The same objective on batch image <paramref name="batch"/> only.</summary>
    public Objective At(int batch) => new([.. Terms.Select(t => t with { Batch = batch })]);

    public override string ToString() => string.Join(" + ", Terms);
}
