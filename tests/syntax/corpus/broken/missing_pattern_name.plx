pattern {
  output 1
}
