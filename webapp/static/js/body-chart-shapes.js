// The body chart's shapes, seen from the back (the client lies face down) and from the front.
// One source for the phone (ui/body-diagram.js, through body-chart.js) and the desk's printed
// record (webapp/records/body_chart.py reads what follows `export default` as JSON, so this
// stays strict JSON: double quotes, no comments or trailing commas inside it).
//
// Coordinates are SVG user units in a 330 x 720 box; at 360 px wide the chart is drawn about
// 328 px wide, so 46 units is a 44 px thumb target. Shapes marked "body" are drawn for the half
// on the viewer's left, x measured from the midline (negative to the left), and mirrored for
// the other half; "inset" shapes (the magnified lower back) are in the box's own coordinates.
// A shape is one of: "smooth" (a closed curve through the points), "poly" (closed, straight),
// "line" (open, straight), "curve" (open curve through the points), "rect" [x, y, w, h, r],
// "ellipse" [cx, cy, rx, ry]. "hit" is a larger invisible target where the anatomy is small;
// "at" is where marks, arrows and lines of tension meet the region. Each state of a region
// (see stateOf in body-chart.js) has a colour (css/body-chart.css), a mark and a hatching (a
// 6 x 6 tile turned 45 degrees), so a black-and-white print tells them apart.
export default {
  "width": 330,
  "height": 720,
  "viewerLeft": {"back": "left", "front": "right"},
  "views": {
    "back": {
      "midline": 126,
      "outline": [[0, 4], [-15, 8], [-22, 22], [-22, 40], [-16, 54], [-14, 64], [-15, 82], [-36, 89], [-58, 94],
        [-70, 106], [-79, 134], [-90, 175], [-102, 222], [-112, 266], [-119, 298], [-124, 320], [-119, 340],
        [-108, 339], [-106, 314], [-102, 290], [-92, 250], [-80, 205], [-68, 166], [-58, 142], [-54, 182],
        [-49, 230], [-57, 270], [-65, 306], [-65, 340], [-61, 390], [-56, 440], [-55, 470], [-54, 494],
        [-58, 526], [-52, 560], [-43, 580], [-42, 602], [-47, 626], [-46, 650], [-31, 669], [-14, 662],
        [-11, 632], [-14, 606], [-14, 585], [-10, 545], [-7, 505], [-7, 470], [-5, 420], [-3, 380], [0, 362]],
      "details": [
        {"curve": [[-24, 112], [-50, 110], [-52, 128], [-42, 162], [-27, 178], [-22, 150], [-24, 112]], "paired": true},
        {"line": [[0, 300], [0, 352]]},
        {"curve": [[-8, 358], [-30, 362], [-52, 356]], "paired": true}
      ],
      "mini": [
        {"region": "lumbar_l1", "shape": {"rect": [-12, 226, 24, 10, 3]}, "at": [0, 231]},
        {"region": "lumbar_l2", "shape": {"rect": [-12, 237, 24, 10, 3]}, "at": [0, 242]},
        {"region": "lumbar_l3", "shape": {"rect": [-12, 248, 24, 10, 3]}, "at": [0, 253]},
        {"region": "lumbar_l4", "shape": {"rect": [-12, 259, 24, 10, 3]}, "at": [0, 264]},
        {"region": "lumbar_l5", "shape": {"rect": [-12, 270, 24, 10, 3]}, "at": [0, 275]},
        {"region": "sacrum", "shape": {"poly": [[-16, 283], [16, 283], [5, 316], [-5, 316]]}, "at": [0, 296]}
      ],
      "inset": {"title": "Lower back", "box": [254, 196, 74, 316, 8],
        "callout": [[[140, 226], [254, 206]], [[140, 316], [254, 512]]]},
      "regions": [
        {"region": "cervical", "frame": "body", "shape": {"rect": [-12, 52, 24, 42, 5]},
          "ticks": [58, 64, 70, 76, 82, 88], "hit": [-23, 50, 46, 46], "at": [0, 73]},
        {"region": "thoracic", "frame": "body", "shape": {"rect": [-13, 96, 26, 130, 5]},
          "ticks": [107, 118, 129, 140, 150, 161, 172, 183, 194, 205, 215], "hit": [-23, 96, 46, 130], "at": [0, 161]},
        {"region": "lumbar_l1", "frame": "inset", "shape": {"rect": [262, 222, 58, 40, 9]}, "hit": [256, 220, 70, 46],
          "at": [291, 242], "label": "L1"},
        {"region": "lumbar_l2", "frame": "inset", "shape": {"rect": [262, 268, 58, 40, 9]}, "hit": [256, 266, 70, 46],
          "at": [291, 288], "label": "L2"},
        {"region": "lumbar_l3", "frame": "inset", "shape": {"rect": [262, 314, 58, 40, 9]}, "hit": [256, 312, 70, 46],
          "at": [291, 334], "label": "L3"},
        {"region": "lumbar_l4", "frame": "inset", "shape": {"rect": [262, 360, 58, 40, 9]}, "hit": [256, 358, 70, 46],
          "at": [291, 380], "label": "L4"},
        {"region": "lumbar_l5", "frame": "inset", "shape": {"rect": [262, 406, 58, 40, 9]}, "hit": [256, 404, 70, 46],
          "at": [291, 426], "label": "L5"},
        {"region": "sacrum", "frame": "inset", "shape": {"smooth": [[260, 452], [291, 450], [322, 452], [314, 476], [291, 504], [268, 476]]},
          "hit": [256, 450, 70, 56], "at": [291, 472], "label": "S"},
        {"region": "pelvis", "frame": "body", "paired": true,
          "shape": {"smooth": [[-16, 258], [-30, 250], [-50, 254], [-59, 268], [-60, 292], [-40, 296], [-18, 293]]},
          "hit": [-64, 250, 48, 46], "at": [-38, 273]},
        {"region": "buttock", "frame": "body", "paired": true,
          "shape": {"smooth": [[-4, 302], [-24, 297], [-48, 301], [-60, 318], [-58, 342], [-42, 356], [-20, 358], [-4, 350]]},
          "at": [-32, 328]},
        {"region": "hip", "frame": "body", "paired": true,
          "shape": {"smooth": [[-60, 300], [-66, 312], [-67, 330], [-62, 342], [-58, 322]]},
          "hit": [-104, 298, 46, 46], "at": [-80, 320]},
        {"region": "itb", "frame": "body", "paired": true,
          "shape": {"smooth": [[-64, 346], [-55, 350], [-50, 400], [-47, 446], [-56, 448], [-60, 392]]},
          "hit": [-100, 346, 46, 102], "at": [-74, 398]},
        {"region": "hamstring", "frame": "body", "paired": true,
          "shape": {"smooth": [[-6, 362], [-24, 360], [-44, 361], [-52, 372], [-49, 410], [-46, 444], [-28, 448], [-10, 446], [-6, 408]]},
          "at": [-28, 404]},
        {"region": "knee", "frame": "body", "paired": true,
          "shape": {"smooth": [[-8, 452], [-30, 448], [-50, 452], [-54, 471], [-50, 490], [-30, 494], [-8, 490], [-6, 471]]},
          "at": [-30, 471]},
        {"region": "calf", "frame": "body", "paired": true,
          "shape": {"smooth": [[-10, 499], [-30, 497], [-53, 506], [-56, 530], [-48, 560], [-32, 572], [-16, 566], [-9, 535]]},
          "at": [-32, 532]},
        {"region": "ankle", "frame": "body", "paired": true,
          "shape": {"smooth": [[-16, 579], [-40, 579], [-41, 598], [-38, 614], [-16, 614], [-14, 596]]},
          "hit": [-52, 574, 46, 46], "at": [-28, 597]},
        {"region": "foot", "frame": "body", "paired": true,
          "shape": {"smooth": [[-14, 624], [-42, 622], [-45, 642], [-40, 660], [-28, 665], [-16, 660], [-12, 642]]},
          "hit": [-53, 621, 46, 46], "at": [-29, 643]}
      ]
    },
    "front": {
      "midline": 165,
      "outline": [[0, 4], [-15, 8], [-22, 22], [-22, 40], [-16, 54], [-14, 64], [-15, 82], [-36, 89], [-58, 94],
        [-70, 106], [-79, 134], [-90, 175], [-102, 222], [-112, 266], [-119, 298], [-124, 320], [-119, 340],
        [-108, 339], [-106, 314], [-102, 290], [-92, 250], [-80, 205], [-68, 166], [-58, 142], [-54, 182],
        [-49, 230], [-57, 270], [-65, 306], [-65, 340], [-61, 390], [-56, 440], [-55, 470], [-54, 494],
        [-56, 526], [-50, 560], [-43, 580], [-44, 604], [-52, 630], [-58, 656], [-44, 670], [-16, 668],
        [-10, 640], [-14, 606], [-14, 585], [-10, 545], [-7, 505], [-7, 470], [-5, 420], [-3, 380], [0, 350]],
      "details": [
        {"curve": [[-6, 98], [-30, 96], [-56, 101]], "paired": true},
        {"curve": [[-8, 170], [-30, 178], [-48, 168]], "paired": true},
        {"ellipse": [0, 236, 2.5, 3]},
        {"curve": [[-18, 506], [-22, 540], [-24, 570]], "paired": true},
        {"line": [[0, 40], [-3, 30], [0, 28]]}
      ],
      "regions": [
        {"region": "pelvis", "frame": "body", "paired": true,
          "shape": {"smooth": [[-14, 262], [-30, 252], [-52, 256], [-60, 272], [-58, 294], [-34, 292], [-16, 286]]},
          "hit": [-62, 250, 46, 46], "at": [-38, 273]},
        {"region": "hip", "frame": "body", "paired": true,
          "shape": {"smooth": [[-60, 300], [-66, 312], [-67, 330], [-62, 342], [-56, 322]]},
          "hit": [-104, 298, 46, 46], "at": [-80, 320]},
        {"region": "itb", "frame": "body", "paired": true,
          "shape": {"smooth": [[-64, 346], [-55, 350], [-50, 400], [-47, 446], [-56, 448], [-60, 392]]},
          "hit": [-100, 346, 46, 102], "at": [-74, 398]},
        {"region": "quadriceps", "frame": "body", "paired": true,
          "shape": {"smooth": [[-6, 352], [-22, 338], [-46, 334], [-53, 356], [-49, 410], [-46, 442], [-28, 447], [-10, 441], [-6, 400]]},
          "at": [-29, 392]},
        {"region": "knee", "frame": "body", "paired": true,
          "shape": {"smooth": [[-30, 448], [-49, 452], [-54, 471], [-49, 490], [-30, 494], [-11, 490], [-6, 471], [-11, 452]]},
          "at": [-30, 471]},
        {"region": "ankle", "frame": "body", "paired": true,
          "shape": {"smooth": [[-16, 579], [-40, 579], [-42, 598], [-40, 614], [-16, 614], [-14, 596]]},
          "hit": [-52, 574, 46, 46], "at": [-28, 597]},
        {"region": "foot", "frame": "body", "paired": true,
          "shape": {"smooth": [[-14, 620], [-42, 620], [-51, 640], [-57, 660], [-42, 667], [-18, 665], [-11, 646]]},
          "at": [-31, 643]}
      ]
    }
  },
  "states": {
    "found": {"label": "Not released", "mark": "cross", "hatch": "M3 0 V6 M0 3 H6"},
    "released": {"label": "Released", "mark": "tick", "hatch": "M3 0 V6"},
    "clear": {"label": "No tension", "mark": "ring", "hatch": "M2.5 3 A0.5 0.5 0 1 0 3.5 3 A0.5 0.5 0 1 0 2.5 3 Z"}
  },
  "directions": {"up": [0, -1], "down": [0, 1], "medial": [1, 0], "lateral": [-1, 0]}
};
