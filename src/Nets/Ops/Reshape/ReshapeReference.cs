namespace DeepVis.Tests.Reference;

/// <summary>A reshape keeping the batch, for tests only: the shape it gives; the elements keep their order.</summary>
public static class ReshapeReference
{
    public static int[] OutputShape(int[] input, int[] item) =>
        input[1..].Aggregate(1, (a, b) => a * b) == item.Aggregate(1, (a, b) => a * b) ? [input[0], .. item] : throw new ArgumentException("element counts differ");
}
