pattern A {
  output "café"
}
